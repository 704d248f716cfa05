package dev.quire.todos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.identity.AccountId;
import dev.quire.shared.Ids;
import dev.quire.todos.TodoStore.After;
import dev.quire.todos.TodoStore.Filter;
import dev.quire.todos.TodoStore.NewTodoRecord;
import dev.quire.todos.TodoStore.TodoRecord;
import dev.quire.todos.TodoStore.TodoRecordUpdates;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every todo store must do, run against each implementation (in memory, H2, PostgreSQL). */
abstract class TodoStoreContract {
    final Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    TodoStore store;
    AccountId owner;
    AccountId other;
    private int created;

    abstract TodoStore newStore();

    /** An account the todos can belong to (the JDBC store needs a row for the foreign key). */
    abstract AccountId newAccount();

    @BeforeEach
    void setUp() {
        store = newStore();
        owner = newAccount();
        other = newAccount();
    }

    TodoRecord add(AccountId who, String title, boolean completed, long position) {
        // distinct creation times, a millisecond apart, in insertion order
        Instant at = start.plusMillis(created++);
        var id = new TodoId(Ids.timeOrdered(TodoId.PREFIX, at.toEpochMilli()));
        return store.insert(new NewTodoRecord(id, who, title, completed, position, at));
    }

    @Test
    void aTodoIsFoundOnlyByItsOwner() {
        var todo = add(owner, "Mine", false, 1);

        assertThat(store.find(owner, todo.id())).contains(todo);
        assertThat(store.find(other, todo.id())).isEmpty();
        assertThat(todo.version()).isEqualTo(1);
        assertThat(todo.updatedAt()).isEqualTo(todo.createdAt());
    }

    @Test
    void theNextPositionFollowsTheOwnersLastTodo() {
        assertThat(store.nextPosition(owner)).isEqualTo(1);
        add(owner, "a", false, 7);
        add(owner, "b", false, 3);
        add(other, "c", false, 99);

        assertThat(store.nextPosition(owner)).isEqualTo(8);
    }

    @Test
    void anUpdateWritesOnlyOverTheVersionItRead() {
        var todo = add(owner, "Draft", false, 1);
        var later = start.plusSeconds(60);

        var written = store.update(todo, new TodoRecordUpdates("Final", true, 5), later).orElseThrow();

        assertThat(written.version()).isEqualTo(2);
        assertThat(written.updatedAt()).isEqualTo(later);
        assertThat(store.find(owner, todo.id())).contains(written);
        // a second writer who also read version 1 loses
        assertThat(store.update(todo, new TodoRecordUpdates("Lost", false, 1), later)).isEmpty();
        assertThat(store.find(owner, todo.id()).orElseThrow().title()).isEqualTo("Final");
    }

    @Test
    void anotherOwnerCannotUpdateOrDelete() {
        var todo = add(owner, "Mine", false, 1);
        var forged = new TodoRecord(todo.id(), other, todo.title(), todo.completed(), todo.position(),
                todo.createdAt(), todo.updatedAt(), todo.version());

        assertThat(store.update(forged, new TodoRecordUpdates("Theirs", true, 1), start)).isEmpty();
        assertThat(store.delete(other, todo.id(), todo.version())).isFalse();
        assertThat(store.find(owner, todo.id())).contains(todo);
    }

    @Test
    void aDeleteNeedsTheCurrentVersion() {
        var todo = add(owner, "Gone soon", false, 1);

        assertThat(store.delete(owner, todo.id(), 7)).isFalse();
        assertThat(store.delete(owner, todo.id(), todo.version())).isTrue();
        assertThat(store.find(owner, todo.id())).isEmpty();
        assertThat(store.delete(owner, todo.id(), todo.version())).isFalse();
    }

    @Test
    void clearingCompletedTodosKeepsTheOpenOnesAndOtherOwners() {
        var open = add(owner, "open", false, 1);
        add(owner, "done", true, 2);
        var othersDone = add(other, "theirs", true, 1);

        assertThat(store.deleteCompleted(owner)).isEqualTo(1);

        assertThat(store.list(owner, new Filter(null, null), TodoSort.ORDER, null, 10)).containsExactly(open);
        assertThat(store.find(other, othersDone.id())).isPresent();
    }

    @ParameterizedTest
    @EnumSource(TodoSort.class)
    void everySortPagesThroughAllTodosOnceWithTiesBrokenById(TodoSort sort) {
        var all = new ArrayList<TodoRecord>();
        for (int i = 0; i < 12; i++) {
            // positions and titles repeat, so the id must break the ties
            all.add(add(owner, (i % 3 == 0 ? "Apple " : "banana ") + (i % 4), i % 2 == 0, i % 5));
        }
        add(other, "not mine", false, 1);

        var seen = new ArrayList<TodoRecord>();
        After after = null;
        for (int page = 0; page < 10; page++) {
            var rows = store.list(owner, new Filter(null, null), sort, after, 5);
            seen.addAll(rows);
            if (rows.size() < 5) {
                break;
            }
            var last = rows.get(rows.size() - 1);
            after = new After(TodoStore.sortValue(last, sort), last.id());
        }

        assertThat(seen).containsExactlyInAnyOrderElementsOf(all);
        assertThat(seen).isSortedAccordingTo((a, b) -> compare(a, b, sort));
    }

    private static int compare(TodoRecord a, TodoRecord b, TodoSort sort) {
        int byValue = switch (sort) {
            case ORDER, ORDER_DESC -> Long.compare(a.position(), b.position());
            case CREATED, CREATED_DESC -> a.createdAt().compareTo(b.createdAt());
            case TITLE, TITLE_DESC -> TodoService.titleKey(a.title()).compareTo(TodoService.titleKey(b.title()));
        };
        int result = byValue != 0 ? byValue : a.id().value().compareTo(b.id().value());
        return sort.descending ? -result : result;
    }

    @Test
    void filtersSelectByCompletionAndByCaseInsensitiveTitleText() {
        var milk = add(owner, "Buy MILK", false, 1);
        var oatMilk = add(owner, "oat milk too", true, 2);
        add(owner, "Walk the dog", false, 3);
        add(other, "milk for someone else", false, 1);

        assertThat(store.list(owner, new Filter(null, "milk"), TodoSort.ORDER, null, 10)).containsExactly(milk, oatMilk);
        assertThat(store.list(owner, new Filter(true, "milk"), TodoSort.ORDER, null, 10)).containsExactly(oatMilk);
        assertThat(store.list(owner, new Filter(false, null), TodoSort.ORDER, null, 10)).hasSize(2);
    }

    @Test
    void searchTextIsMatchedLiterallyNotAsAPattern() {
        var percent = add(owner, "100% done", false, 1);
        var underscore = add(owner, "snake_case", false, 2);
        add(owner, "100 x done", false, 3);
        add(owner, "snakeXcase", false, 4);

        assertThat(store.list(owner, new Filter(null, "100%"), TodoSort.ORDER, null, 10)).containsExactly(percent);
        assertThat(store.list(owner, new Filter(null, "e_c"), TodoSort.ORDER, null, 10)).containsExactly(underscore);
        assertThat(store.list(owner, new Filter(null, "\\"), TodoSort.ORDER, null, 10)).isEmpty();
    }

    @Test
    void aLimitCapsThePage() {
        for (int i = 0; i < 5; i++) {
            add(owner, "t" + i, false, i);
        }
        List<TodoRecord> page = store.list(owner, new Filter(null, null), TodoSort.ORDER, null, 3);
        assertThat(page).extracting(TodoRecord::position).containsExactly(0L, 1L, 2L);
    }
}
