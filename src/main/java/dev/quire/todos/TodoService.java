package dev.quire.todos;

import dev.quire.db.Jdbc;
import dev.quire.events.Outbox;
import dev.quire.identity.AccountId;
import dev.quire.shared.BadParameterException;
import dev.quire.shared.ConcurrentUpdateException;
import dev.quire.shared.FieldError;
import dev.quire.shared.Ids;
import dev.quire.shared.PreconditionFailedException;
import dev.quire.shared.Preconditions;
import dev.quire.shared.Text;
import dev.quire.shared.ValidationException;
import dev.quire.todos.TodoStore.After;
import dev.quire.todos.TodoStore.Filter;
import dev.quire.todos.TodoStore.NewTodoRecord;
import dev.quire.todos.TodoStore.TodoRecord;
import dev.quire.todos.TodoStore.TodoRecordUpdates;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The todo rules: what a valid todo is, that each account reaches only its own, and that every write is
 * conditional on the version it was based on, so of two writers based on one version only one can win.
 */
public final class TodoService {
    static final int MAX_TITLE_LENGTH = 500;
    /** JSON numbers beyond 2^53 lose precision in JavaScript clients: orders stay within them. */
    static final long MAX_ORDER = (1L << 53) - 1;
    /** The earliest and latest creation times a cursor may carry: anything else was not made by Quire. */
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    private static final String CURSOR_VERSION = "t1";
    private static final String WHAT = "The todo";

    private final TodoStore store;
    private final Clock clock;

    TodoService(TodoStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public static TodoService withJdbc(Jdbc jdbc, Outbox events) {
        return new TodoService(new JdbcTodoStore(jdbc, events), Clock.systemUTC());
    }

    /**
     * @throws ValidationException naming each invalid field
     */
    public Todo create(AccountId owner, TodoInput input) {
        var errors = new ArrayList<FieldError>();
        String title = title(input.title(), errors);
        Long order = order(input.order(), errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        Instant now = now();
        long position = order != null ? order : store.nextPosition(owner);
        var id = new TodoId(Ids.timeOrdered(TodoId.PREFIX, now.toEpochMilli()));
        boolean completed = input.completed() != null && input.completed();
        return todo(store.insert(new NewTodoRecord(id, owner, title, completed, position, now)));
    }

    /**
     * @throws TodoNotFoundException for an unknown id, a malformed one, or another account's todo alike
     */
    public Todo get(AccountId owner, String id) {
        return todo(find(owner, id));
    }

    /**
     * A page of the owner's todos. Keyset paging: a page starts strictly after the last row of the previous one,
     * so todos added or removed meanwhile never make a page repeat or skip the others.
     *
     * @throws BadParameterException when the cursor is not one this list handed out for the same query
     */
    public TodoPage list(AccountId owner, TodoQuery query) {
        var filter = new Filter(query.completed(),
                query.search() == null ? null : query.search().toLowerCase(Locale.ROOT));
        After after = query.cursor() == null ? null : decodeCursor(query, filter);
        // one row more than asked for says whether there is a next page
        var rows = store.list(owner, filter, query.sort(), after, query.limit() + 1);
        boolean more = rows.size() > query.limit();
        var page = more ? rows.subList(0, query.limit()) : rows;
        String next = more ? encodeCursor(query, filter, page.get(page.size() - 1)) : null;
        return new TodoPage(page.stream().map(TodoService::todo).toList(), next);
    }

    /**
     * Replaces title and completion (and the order, when given). The content is read only once the todo is found
     * and the preconditions hold, so its faults are reported after those.
     *
     * @throws TodoNotFoundException when there is no such todo of this owner
     * @throws PreconditionFailedException when the todo's version fails the request's preconditions
     * @throws ValidationException naming each invalid field
     * @throws ConcurrentUpdateException when another write got in between this one's read and write
     */
    public Todo replace(AccountId owner, String id, Preconditions preconditions, Supplier<TodoInput> content) {
        var current = current(owner, id, preconditions);
        var input = content.get();
        var errors = new ArrayList<FieldError>();
        String title = title(input.title(), errors);
        Long order = order(input.order(), errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        boolean completed = input.completed() != null && input.completed();
        return write(current, preconditions,
                new TodoRecordUpdates(title, completed, order != null ? order : current.position()));
    }

    /**
     * Changes the fields the patch sets; like {@link #replace}, reads the patch only after the preconditions.
     *
     * @throws TodoNotFoundException when there is no such todo of this owner
     * @throws PreconditionFailedException when the todo's version fails the request's preconditions
     * @throws ValidationException naming each invalid field
     * @throws ConcurrentUpdateException when another write got in between this one's read and write
     */
    public Todo patch(AccountId owner, String id, Preconditions preconditions, Supplier<TodoPatch> content) {
        var current = current(owner, id, preconditions);
        var patch = content.get();
        var errors = new ArrayList<FieldError>();
        String title = patch.title() == null ? null : title(patch.title(), errors);
        Long order = order(patch.order(), errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return write(current, preconditions, new TodoRecordUpdates(
                title != null ? title : current.title(),
                patch.completed() != null ? patch.completed() : current.completed(),
                order != null ? order : current.position()));
    }

    /**
     * @throws TodoNotFoundException when there is no such todo of this owner
     * @throws PreconditionFailedException when the todo's version fails the request's preconditions
     * @throws ConcurrentUpdateException when another write got in between this one's read and delete
     */
    public void delete(AccountId owner, String id, Preconditions preconditions) {
        var current = current(owner, id, preconditions);
        if (!store.delete(owner, current.id(), current.version())) {
            throw preconditions.lostRace(WHAT);
        }
    }

    /** Deletes every completed todo of the owner. */
    public int deleteCompleted(AccountId owner) {
        return store.deleteCompleted(owner);
    }

    /**
     * The todo a write is about, once it has passed the request's preconditions. Checked before the request's
     * content, as RFC 9110 asks: a stale If-Match is 412 whatever the body says.
     */
    private TodoRecord current(AccountId owner, String id, Preconditions preconditions) {
        var current = find(owner, id);
        preconditions.checkWrite(current.version(), WHAT);
        return current;
    }

    /** Writes over exactly the version read; a writer that lost the race changed nothing. */
    private Todo write(TodoRecord current, Preconditions preconditions, TodoRecordUpdates updates) {
        if (updates.equals(new TodoRecordUpdates(current.title(), current.completed(), current.position()))) {
            return todo(current);
        }
        return todo(store.update(current, updates, now()).orElseThrow(() -> preconditions.lostRace(WHAT)));
    }

    private TodoRecord find(AccountId owner, String id) {
        // same 404 for malformed ids, unknown ids and other accounts' todos: existence is private
        return TodoId.parse(id).flatMap(todoId -> store.find(owner, todoId)).orElseThrow(TodoNotFoundException::new);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String title(String raw, List<FieldError> errors) {
        if (raw == null) {
            errors.add(new FieldError("title", "is required"));
            return null;
        }
        String title = Text.strip(raw);
        if (title.isEmpty()) {
            errors.add(new FieldError("title", "must not be blank"));
        } else if (Text.length(title) > MAX_TITLE_LENGTH) {
            errors.add(new FieldError("title", "must be at most " + MAX_TITLE_LENGTH + " characters"));
        } else if (Text.isUnsafe(title, false)) {
            errors.add(new FieldError("title", "must not contain control characters"));
        }
        return title;
    }

    private static Long order(Long order, List<FieldError> errors) {
        if (order != null && Math.abs(order) > MAX_ORDER) {
            errors.add(new FieldError("order", "must be between -" + MAX_ORDER + " and " + MAX_ORDER));
        }
        return order;
    }

    /** How titles sort and are searched: lower-cased the same way on every database. */
    static String titleKey(String title) {
        return title.toLowerCase(Locale.ROOT);
    }

    // A cursor is the last row's sort value and id, tied to the query it came from: used with another sort or
    // other filters it would start a page at a meaningless place, so it is refused instead.

    private static String encodeCursor(TodoQuery query, Filter filter, TodoRecord last) {
        String text = String.join("\n", CURSOR_VERSION, query.sort().wireName(), digest(filter),
                TodoStore.sortValue(last, query.sort()), last.id().value());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static After decodeCursor(TodoQuery query, Filter filter) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(query.cursor()), StandardCharsets.UTF_8);
            String[] parts = text.split("\n", -1);
            if (parts.length == 5 && parts[0].equals(CURSOR_VERSION) && parts[1].equals(query.sort().wireName())
                    && parts[2].equals(digest(filter)) && isSortValue(query.sort(), parts[3])) {
                var id = TodoId.parse(parts[4]);
                if (id.isPresent()) {
                    return new After(parts[3], id.get());
                }
            }
        } catch (IllegalArgumentException malformed) {
            // reported below
        }
        throw new BadParameterException("cursor", "is not a cursor of this list with this sort and these filters;"
                + " start again from the first page");
    }

    private static boolean isSortValue(TodoSort sort, String value) {
        try {
            switch (sort) {
                case ORDER, ORDER_DESC -> Long.parseLong(value);
                case CREATED, CREATED_DESC -> {
                    var instant = Instant.parse(value);
                    if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
                        return false;
                    }
                }
                default -> { }
            }
            return true;
        } catch (NumberFormatException | DateTimeParseException e) {
            return false;
        }
    }

    private static String digest(Filter filter) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(
                    (filter.completed() + "\n" + filter.search()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    private static Todo todo(TodoRecord record) {
        return new Todo(record.id(), record.title(), record.completed(), record.position(), record.createdAt(),
                record.updatedAt(), record.version());
    }
}
