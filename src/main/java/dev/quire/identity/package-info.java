/**
 * Identity: accounts, passwords and sessions. Owns the accounts and sessions tables and is the only code that
 * sees a password or a token secret; other features learn who is calling from the {@link
 * dev.quire.identity.Session} the auth filter attaches to the request, never from these tables.
 */
package dev.quire.identity;
