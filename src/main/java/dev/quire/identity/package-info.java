/**
 * Identity: accounts, passwords, sessions, and the mailed links that verify an address or reset a password. Owns
 * the accounts, sessions and email_tokens tables and is the only code that sees a password or a token secret; other
 * features learn who is calling from the {@link dev.quire.identity.Session} the auth filter attaches to the request,
 * never from these tables. Its mails go through {@code dev.quire.mail}'s outbox, in the transaction of the change.
 */
package dev.quire.identity;
