package dev.quire.todos;

import java.time.Instant;

record Todo(TodoId id, String title, boolean completed, long order, Instant createdAt, Instant updatedAt,
                   long version) {}
