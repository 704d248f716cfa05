package dev.quire.todos;

import dev.quire.identity.AccountId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where todos are kept. Every method is scoped to an owner: no query can reach another account's todos. */
interface TodoStore {

    record NewTodoRecord(TodoId id, AccountId owner, String title, boolean completed, long position,
                         Instant createdAt) {}

    record TodoRecord(TodoId id, AccountId owner, String title, boolean completed, long position, Instant createdAt,
                      Instant updatedAt, long version) {}

    /** Full new values; the service merges a patch before it writes. */
    record TodoRecordUpdates(String title, boolean completed, long position) {}

    /** @param search lower-case text the title must contain, or null */
    record Filter(Boolean completed, String search) {}

    /** Where a page starts: after the row with this sort value (in its text form) and id. */
    record After(String sortValue, TodoId id) {}

    TodoRecord insert(NewTodoRecord todo);

    Optional<TodoRecord> find(AccountId owner, TodoId id);

    /** The position after the owner's last todo (1 for the first). */
    long nextPosition(AccountId owner);

    /**
     * Writes only if the row still has {@code previous.version()}, and increments the version.
     *
     * @return the row as written, or empty when another writer got there first (or the todo is gone)
     */
    Optional<TodoRecord> update(TodoRecord previous, TodoRecordUpdates updates, Instant now);

    /** @return false when the todo is gone or no longer at {@code version} */
    boolean delete(AccountId owner, TodoId id, long version);

    /** @return how many completed todos were deleted */
    int deleteCompleted(AccountId owner);

    /** Up to {@code limit} todos in {@code sort} order, starting after {@code after} (null: from the start). */
    List<TodoRecord> list(AccountId owner, Filter filter, TodoSort sort, After after, int limit);

    /** The text form of a row's value for {@code sort}, as {@link After} carries it. */
    static String sortValue(TodoRecord todo, TodoSort sort) {
        return switch (sort) {
            case ORDER, ORDER_DESC -> Long.toString(todo.position());
            case CREATED, CREATED_DESC -> todo.createdAt().toString();
            case TITLE, TITLE_DESC -> TodoService.titleKey(todo.title());
        };
    }
}
