package dev.quire.todos;

import java.util.List;

/** One page of a list; {@code nextCursor} is null on the last page. */
record TodoPage(List<Todo> items, String nextCursor) {}
