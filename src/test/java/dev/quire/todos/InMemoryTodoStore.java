package dev.quire.todos;

import dev.quire.identity.AccountId;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The todo store in memory, for service tests; {@link TodoStoreContract} holds it to the JDBC store's behaviour.
 * Not final: a test may override a step to put a race exactly where it wants one.
 */
class InMemoryTodoStore implements TodoStore {
    private final Map<TodoId, TodoRecord> todos = new ConcurrentHashMap<>();

    @Override
    public TodoRecord insert(NewTodoRecord todo) {
        var record = new TodoRecord(todo.id(), todo.owner(), todo.title(), todo.completed(), todo.position(),
                todo.createdAt(), todo.createdAt(), 1);
        todos.put(todo.id(), record);
        return record;
    }

    @Override
    public Optional<TodoRecord> find(AccountId owner, TodoId id) {
        return Optional.ofNullable(todos.get(id)).filter(todo -> todo.owner().equals(owner));
    }

    @Override
    public long nextPosition(AccountId owner) {
        return todos.values().stream().filter(todo -> todo.owner().equals(owner)).mapToLong(TodoRecord::position)
                .max().orElse(0) + 1;
    }

    @Override
    public synchronized Optional<TodoRecord> update(TodoRecord previous, TodoRecordUpdates updates, Instant now) {
        var current = todos.get(previous.id());
        if (current == null || !current.owner().equals(previous.owner()) || current.version() != previous.version()) {
            return Optional.empty();
        }
        var written = new TodoRecord(current.id(), current.owner(), updates.title(), updates.completed(),
                updates.position(), current.createdAt(), now, current.version() + 1);
        todos.put(current.id(), written);
        return Optional.of(written);
    }

    @Override
    public synchronized boolean delete(AccountId owner, TodoId id, long version) {
        var current = todos.get(id);
        if (current == null || !current.owner().equals(owner) || current.version() != version) {
            return false;
        }
        todos.remove(id);
        return true;
    }

    @Override
    public int deleteCompleted(AccountId owner) {
        int before = todos.size();
        todos.values().removeIf(todo -> todo.owner().equals(owner) && todo.completed());
        return before - todos.size();
    }

    @Override
    public List<TodoRecord> list(AccountId owner, Filter filter, TodoSort sort, After after, int limit) {
        Comparator<TodoRecord> order = switch (sort) {
            case ORDER, ORDER_DESC -> Comparator.comparingLong(TodoRecord::position);
            case CREATED, CREATED_DESC -> Comparator.comparing(TodoRecord::createdAt);
            case TITLE, TITLE_DESC -> Comparator.comparing(todo -> TodoService.titleKey(todo.title()));
        };
        order = order.thenComparing(todo -> todo.id().value());
        if (sort.descending) {
            order = order.reversed();
        }
        var finalOrder = order;
        return todos.values().stream()
                .filter(todo -> todo.owner().equals(owner))
                .filter(todo -> filter.completed() == null || todo.completed() == filter.completed())
                .filter(todo -> filter.search() == null || TodoService.titleKey(todo.title()).contains(filter.search()))
                .filter(todo -> after == null || finalOrder.compare(todo, afterRow(after, sort)) > 0)
                .sorted(finalOrder)
                .limit(limit)
                .toList();
    }

    /** A stand-in row carrying only the cursor's sort value and id, to compare rows against. */
    private static TodoRecord afterRow(After after, TodoSort sort) {
        String value = after.sortValue();
        long position = sort == TodoSort.ORDER || sort == TodoSort.ORDER_DESC ? Long.parseLong(value) : 0;
        Instant created = sort == TodoSort.CREATED || sort == TodoSort.CREATED_DESC ? Instant.parse(value) : Instant.EPOCH;
        String title = sort == TodoSort.TITLE || sort == TodoSort.TITLE_DESC ? value : "";
        return new TodoRecord(after.id(), null, title, false, position, created, created, 0);
    }
}
