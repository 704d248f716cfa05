package dev.quire.todos;

/**
 * Which todos to list and how: {@code completed} and {@code search} filter (null: no filter), {@code cursor} is
 * the {@code nextCursor} of the previous page (null: the first page).
 */
record TodoQuery(Boolean completed, String search, TodoSort sort, int limit, String cursor) {}
