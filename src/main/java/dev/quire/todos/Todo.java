package dev.quire.todos;

import java.time.Instant;

public record Todo(TodoId id, String title, boolean completed, long order, Instant createdAt, Instant updatedAt,
                   long version) {}
