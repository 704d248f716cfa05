package dev.quire.todos;

import dev.quire.events.ChangeEvent;
import dev.quire.identity.AccountId;
import dev.quire.todos.TodoStore.TodoRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The events of changes to todos: private to the todo's owner, in the {@code todos} stream. */
final class TodoEvents {
    static final String STREAM = "todos";

    /** A todo as the API shows it, without its links (its id is what fetches it). */
    record TodoData(String id, String title, boolean completed, long order, Instant createdAt, Instant updatedAt,
                    long version) {}

    /** What identifies a deleted todo; a record, so its members come in this order (a Map.of's order varies). */
    record DeletedData(String id, long version) {}

    private TodoEvents() {}

    static ChangeEvent created(TodoRecord todo) {
        return changed("todo.created", todo);
    }

    static ChangeEvent updated(TodoRecord todo) {
        return changed("todo.updated", todo);
    }

    static ChangeEvent deleted(AccountId owner, TodoId id, long version) {
        return new ChangeEvent(STREAM, owner.value(), "todo.deleted", id.value(), version,
                new DeletedData(id.value(), version));
    }

    static ChangeEvent cleared(String owner, List<String> ids) {
        return new ChangeEvent(STREAM, owner, "todos.cleared", owner, null, Map.of("ids", ids));
    }

    private static ChangeEvent changed(String type, TodoRecord todo) {
        return new ChangeEvent(STREAM, todo.owner().value(), type, todo.id().value(), todo.version(),
                new TodoData(todo.id().value(), todo.title(), todo.completed(), todo.position(), todo.createdAt(),
                        todo.updatedAt(), todo.version()));
    }
}
