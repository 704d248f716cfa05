/**
 * Todos: each account's private list. Owns the todos table; learns who is asking only from the caller's
 * {@link dev.quire.identity.Session}, and answers 404 for anyone else's todo, whatever the method.
 */
package dev.quire.todos;
