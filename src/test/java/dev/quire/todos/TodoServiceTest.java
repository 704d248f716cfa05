package dev.quire.todos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.quire.identity.AccountId;
import dev.quire.shared.BadParameterException;
import dev.quire.shared.ConcurrentUpdateException;
import dev.quire.shared.FieldError;
import dev.quire.shared.Ids;
import dev.quire.shared.PreconditionFailedException;
import dev.quire.shared.Preconditions;
import dev.quire.shared.ValidationException;
import dev.quire.support.MutableClock;
import dev.quire.todos.TodoStore.TodoRecord;
import dev.quire.todos.TodoStore.TodoRecordUpdates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The todo rules, on the real service with an in-memory store and a clock the tests move. */
class TodoServiceTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    final AccountId owner = new AccountId(Ids.timeOrdered("acct", 1));
    final AccountId stranger = new AccountId(Ids.timeOrdered("acct", 2));
    InMemoryTodoStore store;
    TodoService todos;

    @BeforeEach
    void createService() {
        store = new InMemoryTodoStore();
        todos = new TodoService(store, clock);
    }

    Todo create(String title) {
        clock.advance(Duration.ofMillis(1));
        return todos.create(owner, new TodoInput(title, null, null));
    }

    static List<FieldError> errorsOf(Runnable action) {
        return catchThrowableOfType(ValidationException.class, action::run).errors();
    }

    static Preconditions ifMatch(long... versions) {
        var set = new java.util.HashSet<Long>();
        for (long version : versions) {
            set.add(version);
        }
        return new Preconditions(set, Set.of(), false);
    }

    @Nested
    class Creating {
        @Test
        void aNewTodoIsOpenTrimmedAtVersionOneAfterTheLast() {
            var first = create("  Buy milk ");
            var second = create("Walk the dog");

            assertThat(first.id().value()).startsWith("todo_");
            assertThat(first.title()).isEqualTo("Buy milk");
            assertThat(first.completed()).isFalse();
            assertThat(first.version()).isEqualTo(1);
            assertThat(first.createdAt()).isEqualTo(first.updatedAt());
            assertThat(second.order()).isEqualTo(first.order() + 1);
        }

        @Test
        void completionAndOrderMayBeGiven() {
            var todo = todos.create(owner, new TodoInput("Done already", true, -5L));

            assertThat(todo.completed()).isTrue();
            assertThat(todo.order()).isEqualTo(-5);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "\t"})
        void aBlankTitleIsRefusedWithAClearMessage(String title) {
            assertThat(errorsOf(() -> todos.create(owner, new TodoInput(title, null, null))))
                    .containsExactly(new FieldError("title", "must not be blank"));
        }

        @Test
        void aMissingTitleIsRequired() {
            assertThat(errorsOf(() -> todos.create(owner, new TodoInput(null, true, 1L))))
                    .containsExactly(new FieldError("title", "is required"));
        }

        @Test
        void aTitleHasAtMost500Characters() {
            create("ü".repeat(500));
            assertThat(errorsOf(() -> todos.create(owner, new TodoInput("ü".repeat(501), null, null))))
                    .extracting(FieldError::field).containsExactly("title");
        }

        @ParameterizedTest
        @ValueSource(strings = {"nul\u0000byte", "line\nbreak", "\ud83d lone surrogate"})
        void aTitleWithControlCharactersIsRefused(String title) {
            assertThat(errorsOf(() -> todos.create(owner, new TodoInput(title, null, null))))
                    .extracting(FieldError::field).containsExactly("title");
        }

        @Test
        void anOrderBeyondWhatJsonClientsCanHoldIsRefused() {
            assertThat(errorsOf(() -> todos.create(owner, new TodoInput("x", null, 1L << 53))))
                    .extracting(FieldError::field).containsExactly("order");
            assertThat(todos.create(owner, new TodoInput("x", null, (1L << 53) - 1)).order()).isEqualTo((1L << 53) - 1);
        }
    }

    @Nested
    class Reading {
        @Test
        void aTodoIsReadOnlyByItsOwner() {
            var todo = create("Mine");

            assertThat(todos.get(owner, todo.id().value())).isEqualTo(todo);
            assertThatThrownBy(() -> todos.get(stranger, todo.id().value())).isInstanceOf(TodoNotFoundException.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "-1", "0", "9223372036854775808", "abc", "todo_", "../etc/passwd",
            "todo_01JD3Q9Z8K4M2N6P7R8S9T0V1W"})
        void unknownOrMalformedIdsAreNotFound(String id) {
            assertThatThrownBy(() -> todos.get(owner, id)).isInstanceOf(TodoNotFoundException.class);
        }

        @Test
        void pagesFollowEachOtherThroughTheirCursors() {
            var all = new ArrayList<Todo>();
            for (int i = 0; i < 7; i++) {
                all.add(create("todo " + i));
            }
            var seen = new ArrayList<Todo>();
            String cursor = null;
            do {
                var page = todos.list(owner, new TodoQuery(null, null, TodoSort.ORDER, 3, cursor));
                seen.addAll(page.items());
                cursor = page.nextCursor();
            } while (cursor != null);

            assertThat(seen).containsExactlyElementsOf(all);
        }

        @Test
        void theLastPageHasNoCursor() {
            create("only");

            assertThat(todos.list(owner, new TodoQuery(null, null, TodoSort.ORDER, 1, null)).nextCursor()).isNull();
        }

        @Test
        void aCursorWorksOnlyWithTheSortAndFiltersItCameFrom() {
            create("milk one");
            create("milk two");
            String cursor = todos.list(owner, new TodoQuery(null, "milk", TodoSort.ORDER, 1, null)).nextCursor();

            assertThat(todos.list(owner, new TodoQuery(null, "MILK", TodoSort.ORDER, 1, cursor)).items()).hasSize(1);
            for (var query : List.of(new TodoQuery(null, "milk", TodoSort.TITLE, 1, cursor),
                    new TodoQuery(null, "other", TodoSort.ORDER, 1, cursor),
                    new TodoQuery(true, "milk", TodoSort.ORDER, 1, cursor),
                    new TodoQuery(null, null, TodoSort.ORDER, 1, "garbage!"),
                    new TodoQuery(null, null, TodoSort.ORDER, 1, "dDEKb3JkZXI"))) {
                assertThatThrownBy(() -> todos.list(owner, query)).as(query.toString())
                        .isInstanceOf(BadParameterException.class)
                        .satisfies(e -> assertThat(((BadParameterException) e).errors())
                                .extracting(FieldError::field).containsExactly("cursor"));
            }
        }
    }

    @Nested
    class Changing {
        Todo todo;

        @BeforeEach
        void aTodo() {
            todo = create("Draft");
            clock.advance(Duration.ofSeconds(5));
        }

        @Test
        void aPatchChangesOnlyTheFieldsItSets() {
            var patched = todos.patch(owner, todo.id().value(), Preconditions.NONE, () -> new TodoPatch(null, true, null));

            assertThat(patched.title()).isEqualTo("Draft");
            assertThat(patched.completed()).isTrue();
            assertThat(patched.order()).isEqualTo(todo.order());
            assertThat(patched.version()).isEqualTo(2);
            assertThat(patched.updatedAt()).isEqualTo(clock.instant());
            assertThat(patched.createdAt()).isEqualTo(todo.createdAt());
        }

        @Test
        void aReplacementResetsCompletionButKeepsThePlaceUnlessGiven() {
            todos.patch(owner, todo.id().value(), Preconditions.NONE, () -> new TodoPatch(null, true, 9L));

            var replaced = todos.replace(owner, todo.id().value(), Preconditions.NONE, () -> new TodoInput("Final", null, null));

            assertThat(replaced.title()).isEqualTo("Final");
            assertThat(replaced.completed()).isFalse();
            assertThat(replaced.order()).isEqualTo(9);
            assertThat(replaced.version()).isEqualTo(3);
        }

        @Test
        void aReplacementNeedsATitle() {
            assertThat(errorsOf(() -> todos.replace(owner, todo.id().value(), Preconditions.NONE,
                    () -> new TodoInput(null, true, null)))).containsExactly(new FieldError("title", "is required"));
        }

        @Test
        void aChangeThatChangesNothingKeepsTheVersion() {
            var same = todos.patch(owner, todo.id().value(), Preconditions.NONE, () -> new TodoPatch("Draft", false, null));

            assertThat(same).isEqualTo(todo);
        }

        @Test
        void aStaleVersionChangesNothing() {
            todos.patch(owner, todo.id().value(), ifMatch(1), () -> new TodoPatch("Second", null, null));

            assertThatThrownBy(() -> todos.patch(owner, todo.id().value(), ifMatch(1),
                    () -> new TodoPatch("Lost update", null, null))).isInstanceOf(PreconditionFailedException.class);
            assertThatThrownBy(() -> todos.replace(owner, todo.id().value(), ifMatch(1),
                    () -> new TodoInput("Lost update", null, null))).isInstanceOf(PreconditionFailedException.class);
            assertThatThrownBy(() -> todos.delete(owner, todo.id().value(), ifMatch(1)))
                    .isInstanceOf(PreconditionFailedException.class);
            assertThat(todos.get(owner, todo.id().value()).title()).isEqualTo("Second");
        }

        @Test
        void aMatchingVersionAmongSeveralIsAccepted() {
            var patched = todos.patch(owner, todo.id().value(), ifMatch(7, 1), () -> new TodoPatch("Kept", null, null));

            assertThat(patched.title()).isEqualTo("Kept");
        }

        @Test
        void anIfNoneMatchNamingTheCurrentVersionOrAnyRefusesTheWrite() {
            for (var condition : List.of(new Preconditions(null, Set.of(1L), false),
                    new Preconditions(null, Set.of(), true))) {
                assertThatThrownBy(() -> todos.patch(owner, todo.id().value(), condition,
                        () -> new TodoPatch("No", null, null))).isInstanceOf(PreconditionFailedException.class);
            }
            assertThat(todos.patch(owner, todo.id().value(), new Preconditions(null, Set.of(9L), false),
                    () -> new TodoPatch("Yes", null, null)).title()).isEqualTo("Yes");
        }

        @Test
        void preconditionsAreCheckedBeforeTheContent() {
            todos.patch(owner, todo.id().value(), Preconditions.NONE, () -> new TodoPatch("Second", null, null));

            // a stale If-Match with an invalid body: 412, not 422
            assertThatThrownBy(() -> todos.patch(owner, todo.id().value(), ifMatch(1), () -> new TodoPatch("  ", null, null)))
                    .isInstanceOf(PreconditionFailedException.class);
        }

        /** A store in which another writer changes the todo between each read and write of the service. */
        class RacingStore extends InMemoryTodoStore {
            @Override
            public synchronized Optional<TodoRecord> update(TodoRecord previous, TodoRecordUpdates updates,
                    Instant now) {
                super.update(previous, new TodoRecordUpdates("Other writer", true, previous.position()), now);
                return super.update(previous, updates, now);
            }
        }

        @Test
        void anUnconditionalWriteThatLosesTheRaceChangesNothing() {
            var racing = new RacingStore();
            var service = new TodoService(racing, clock);
            var raced = service.create(owner, new TodoInput("Raced", null, null));

            assertThatThrownBy(() -> service.patch(owner, raced.id().value(), Preconditions.NONE,
                    () -> new TodoPatch("Mine", null, null))).isInstanceOf(ConcurrentUpdateException.class);
            assertThatThrownBy(() -> service.replace(owner, raced.id().value(), Preconditions.NONE,
                    () -> new TodoInput("Mine", null, null))).isInstanceOf(ConcurrentUpdateException.class);
            // the other writer's change stands, untouched
            var current = service.get(owner, raced.id().value());
            assertThat(current.title()).isEqualTo("Other writer");
            assertThat(current.completed()).isTrue();
        }

        @Test
        void aConditionalWriteThatLosesTheRaceChangesNothing() {
            var racing = new RacingStore();
            var service = new TodoService(racing, clock);
            var raced = service.create(owner, new TodoInput("Raced", null, null));

            assertThatThrownBy(() -> service.patch(owner, raced.id().value(), ifMatch(1),
                    () -> new TodoPatch("Mine", null, null))).isInstanceOf(PreconditionFailedException.class);
            assertThat(service.get(owner, raced.id().value()).title()).isEqualTo("Other writer");
        }

        @Test
        void anotherAccountCanNeitherChangeNorDelete() {
            assertThatThrownBy(() -> todos.patch(stranger, todo.id().value(), Preconditions.NONE,
                    () -> new TodoPatch("Theirs", null, null))).isInstanceOf(TodoNotFoundException.class);
            assertThatThrownBy(() -> todos.replace(stranger, todo.id().value(), Preconditions.NONE,
                    () -> new TodoInput("Theirs", null, null))).isInstanceOf(TodoNotFoundException.class);
            assertThatThrownBy(() -> todos.delete(stranger, todo.id().value(), Preconditions.NONE))
                    .isInstanceOf(TodoNotFoundException.class);
            assertThat(todos.get(owner, todo.id().value())).isEqualTo(todo);
        }

        @Test
        void aDeletedTodoIsGone() {
            todos.delete(owner, todo.id().value(), ifMatch(1));

            assertThatThrownBy(() -> todos.get(owner, todo.id().value())).isInstanceOf(TodoNotFoundException.class);
            assertThatThrownBy(() -> todos.delete(owner, todo.id().value(), Preconditions.NONE))
                    .isInstanceOf(TodoNotFoundException.class);
        }
    }
}
