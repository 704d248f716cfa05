package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.Container;
import dev.quire.support.Container.Distribution;
import dev.quire.support.ContainerOutputOnFailure;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.PostgresServer;
import dev.quire.support.TodoPages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No acknowledged write is lost when the JVM is killed outright (SIGKILL: no shutdown hook, no drain, no flush):
 * 16 writers create todos on the Jetty 12 distribution as shipped, the process is killed in the middle of the
 * burst, and after a restart every todo that got a 201 is there exactly once. On H2 this is the default
 * configuration (the file database Quire makes when QUIRE_DB_URL is unset); on PostgreSQL, a real server with
 * fsync on.
 */
@ExtendWith(ContainerOutputOnFailure.class)
class CrashDurabilityIT {
    private static final int WRITERS = 16;
    private static final Duration READY_AGAIN = Duration.ofSeconds(15);

    private final ExecutorService executor = Executors.newFixedThreadPool(WRITERS);

    @AfterEach
    void stopWriters() {
        executor.shutdownNow();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void everyTodoAcknowledgedBeforeAKillIsThereExactlyOnceAfterARestart(String database) throws Exception {
        Map<String, String> settings = new HashMap<>();
        if (database.equals("postgresql")) {
            settings.put("QUIRE_DB_URL", PostgresServer.shared().createDatabase());
        }
        settings.put("QUIRE_RATE_LIMIT", "0");
        try (var first = Container.start(Distribution.JETTY_12, settings)) {
            var http = first.http();
            var caller = new Identities(http).newCaller("crash");
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            var unanswered = new AtomicInteger();
            var writers = new ArrayList<CompletableFuture<Void>>();
            for (int writer = 0; writer < WRITERS; writer++) {
                int number = writer;
                writers.add(CompletableFuture.runAsync(
                        () -> writeUntilGone(http, caller, number, acknowledged, unanswered), executor));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (acknowledged.size() < 400 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(acknowledged).as("todos created before the kill").hasSizeGreaterThanOrEqualTo(400);

            first.killNow();
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            long restarted = System.nanoTime();
            try (var second = first.startAgain()) {
                var readyAfter = Duration.ofNanos(System.nanoTime() - restarted);
                var stored = todos(second.http(), caller);
                var titles = new HashMap<String, Integer>();
                stored.values().forEach(title -> titles.merge(title, 1, Integer::sum));
                assertThat(stored.keySet()).containsAll(acknowledged.keySet());
                assertThat(titles.values()).as("no todo stored twice").allMatch(count -> count == 1);
                acknowledged.forEach((id, title) -> assertThat(stored.get(id)).isEqualTo(title));
                System.out.printf("%s: %d todos acknowledged before the kill, %d stored (%d writes unanswered),"
                        + " ready again in %d ms%n", database, acknowledged.size(), stored.size(), unanswered.get(),
                        readyAfter.toMillis());
                assertThat(readyAfter).isLessThan(READY_AGAIN);
            }
        }
    }

    /** Creates todos until the server goes away; records each acknowledged one (id → title). */
    private static void writeUntilGone(Http http, Identities.Caller caller, int writer, Map<String, String> acknowledged,
            AtomicInteger unanswered) {
        for (int i = 0; ; i++) {
            String title = "writer " + writer + " todo " + i;
            Http.Response response;
            try {
                response = http.request("POST", "/api/todos").header("Authorization", caller.bearer())
                        .json("{\"title\":\"" + title + "\"}").send();
            } catch (IllegalStateException e) {
                // the process died before answering: this todo may or may not have been stored, at most once
                unanswered.incrementAndGet();
                return;
            }
            assertThat(response.status()).as(response.toString()).isEqualTo(201);
            acknowledged.put(response.json().path("id").asText(), title);
        }
    }

    /** Every todo of the caller's list, id → title; fails if one is listed twice. */
    private static Map<String, String> todos(Http http, Identities.Caller caller) {
        var todos = new HashMap<String, String>();
        for (var item : TodoPages.all(http, caller)) {
            String previous = todos.put(item.path("id").asText(), item.path("title").asText());
            assertThat(previous).as("a todo listed twice").isNull();
        }
        return todos;
    }
}
