package dev.quire.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.PostgresServer;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import dev.quire.support.TodoPages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * While PostgreSQL is down, readiness and every request that needs the database (sign-ins and sign-ups, whose
 * limits are counted there, too) answer 503 with Retry-After, promptly (no hang on the pool); once it is back, Quire
 * recovers by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseOutagePostgresTest {
    PostgresServer postgres;
    TestServer server;
    Http http;

    @BeforeAll
    void start() {
        postgres = PostgresServer.startNew();
        server = TestServer.builder(new TestDatabase("postgresql", postgres.createDatabase())).start();
        http = new Http(server);
    }

    @AfterAll
    void stop() {
        server.close();
        postgres.destroy();
    }

    @Test
    void readinessIs503WhileTheDatabaseIsDownAndRecoversWhenItReturns() throws InterruptedException {
        var caller = new Identities(http).newCaller("outage");
        assertThat(http.get("/health/ready").status()).isEqualTo(200);

        postgres.stop(true);
        try {
            long signInStarted = System.nanoTime();
            var signIn = new Identities(http).signIn(caller.email(), Identities.PASSWORD);
            var signInWaited = Duration.ofNanos(System.nanoTime() - signInStarted);
            var authenticated = http.request("GET", "/api/sessions/me").header("Authorization", caller.bearer()).send();
            // the sign-up limit is counted in the database: refused with the outage's answer, never skipped
            var signUp = new Identities(http).signUp(Identities.uniqueEmail("during"), Identities.PASSWORD, "During");

            for (var response : List.of(signIn, authenticated, signUp)) {
                assertThat(response.status()).as(response.toString()).isEqualTo(503);
                assertThat(response.contentType()).isEqualTo("application/problem+json");
                assertThat(response.header("Retry-After")).isEqualTo("2");
            }
            // the pool waits 1.5 s for a connection; a little more for a busy machine, never a hang
            assertThat(signInWaited).isLessThan(Duration.ofSeconds(3));

            long started = System.nanoTime();
            var down = http.get("/health/ready");
            var waited = Duration.ofNanos(System.nanoTime() - started);

            assertThat(down.status()).isEqualTo(503);
            assertThat(down.contentType()).isEqualTo("application/problem+json");
            assertThat(down.header("Retry-After")).isEqualTo("2");
            assertThat(down.json().path("requestId").asText()).isEqualTo(down.requestId());
            // the probe's deadline is one second; three leaves room for a busy machine, not for a hang
            assertThat(waited).isLessThan(Duration.ofSeconds(3));
            assertThat(http.get("/health/live").status()).isEqualTo(200);
        } finally {
            postgres.start();
        }

        int status = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (status != 200 && System.nanoTime() < deadline) {
            status = http.get("/health/ready").status();
            Thread.sleep(100);
        }
        assertThat(status).isEqualTo(200);
        assertThat(http.request("GET", "/api/sessions/me").header("Authorization", caller.bearer()).send().status())
                .isEqualTo(200);
        // the outage locked nobody out
        assertThat(new Identities(http).signIn(caller.email(), Identities.PASSWORD).status()).isEqualTo(201);
    }

    /**
     * PostgreSQL crashes ({@code pg_ctl -m immediate}) and comes back three times while four writers create todos
     * and a probe polls readiness: every request that needed the database while it was down got 503 problem+json
     * with Retry-After within two seconds (the pool's wait, no hang); within five seconds of the database's return
     * writes succeed and readiness is 200 again, with nothing restarted; and every todo acknowledged with a 201, before,
     * between or after the crashes, is there at the end.
     */
    @Test
    void threeCrashesUnderLoadAnswer503PromptlyRecoverWithinFiveSecondsAndLoseNoAcknowledgedWrite()
            throws Exception {
        var caller = new Identities(http).newCaller("crashes");
        var answers = new ConcurrentLinkedQueue<Answer>();
        var running = new AtomicBoolean(true);
        var databaseDown = new AtomicBoolean(false);
        var executor = Executors.newFixedThreadPool(5);
        var load = new ArrayList<Future<?>>();
        try {
            for (int writer = 0; writer < 4; writer++) {
                int number = writer;
                load.add(executor.submit(() -> {
                    for (int i = 0; running.get(); i++) {
                        String body = "{\"title\":\"writer " + number + " todo " + i + "\"}";
                        answers.add(Answer.of("write", () -> http.request("POST", "/api/todos")
                                .header("Authorization", caller.bearer()).json(body).send()));
                    }
                    return null;
                }));
            }
            load.add(executor.submit(() -> {
                while (running.get()) {
                    answers.add(Answer.of("ready", () -> http.get("/health/ready")));
                    Thread.sleep(100);
                }
                return null;
            }));

            var recoveries = new ArrayList<Duration>();
            for (int crash = 0; crash < 3; crash++) {
                Thread.sleep(1500);
                long down = System.nanoTime();
                postgres.stop(true);
                databaseDown.set(true);
                Thread.sleep(4000);
                // answered during this outage (a request sent just before it may be the one refused)
                assertThat(answers).as("refused while the database is down").anyMatch(answer -> answer.status == 503
                        && answer.kind.equals("write") && answer.sentAt + answer.took.toNanos() > down);
                postgres.start();
                databaseDown.set(false);
                long up = System.nanoTime();
                long deadline = up + Duration.ofSeconds(10).toNanos();
                while (!recovered(answers, up) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                recoveries.add(Duration.ofNanos(recoveredAt(answers, up) - up));
            }
            Thread.sleep(1000);
            running.set(false);
            for (var task : load) {
                task.get(30, TimeUnit.SECONDS);
            }

            var refused = answers.stream().filter(answer -> answer.status != 200 && answer.status != 201).toList();
            assertThat(refused).isNotEmpty().allSatisfy(answer -> {
                assertThat(answer.status).as(answer.toString()).isEqualTo(503);
                assertThat(answer.problem).as(answer.toString()).isTrue();
                assertThat(answer.retryAfter).as(answer.toString()).isEqualTo("2");
            });
            // 1.5 s of waiting for a connection, and the rest of the request on a busy machine
            var slowest = refused.stream().map(answer -> answer.took).max(Duration::compareTo).orElseThrow();
            assertThat(slowest).isLessThanOrEqualTo(Duration.ofMillis(2500));
            assertThat(recoveries).allSatisfy(recovery -> assertThat(recovery).isLessThanOrEqualTo(
                    Duration.ofSeconds(5)));

            var acknowledged = answers.stream().filter(answer -> answer.status == 201).map(answer -> answer.id)
                    .toList();
            var stored = todoIds(caller);
            assertThat(stored).containsAll(acknowledged);
            System.out.printf("3 crashes: %d writes acknowledged, %d stored, %d answered 503 (slowest %d ms),"
                    + " recovered after %s%n", acknowledged.size(), stored.size(), refused.size(), slowest.toMillis(),
                    recoveries.stream().map(recovery -> recovery.toMillis() + " ms").toList());
        } finally {
            running.set(false);
            executor.shutdownNow();
            if (databaseDown.get()) {
                postgres.start();
            }
        }
    }

    /** Both a write and a readiness probe sent after the database came back have succeeded. */
    private static boolean recovered(Collection<Answer> answers, long up) {
        return recoveredAt(answers, up) != Long.MAX_VALUE;
    }

    /** When the later of the first successful write and the first 200 readiness sent after {@code up} ended. */
    private static long recoveredAt(Collection<Answer> answers, long up) {
        long write = firstSuccess(answers, up, "write");
        long ready = firstSuccess(answers, up, "ready");
        return write == Long.MAX_VALUE || ready == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(write, ready);
    }

    private static long firstSuccess(Collection<Answer> answers, long up, String kind) {
        return answers.stream().filter(answer -> answer.kind.equals(kind) && answer.sentAt >= up
                && (answer.status == 200 || answer.status == 201))
                .mapToLong(answer -> answer.sentAt + answer.took.toNanos()).min().orElse(Long.MAX_VALUE);
    }

    private Set<String> todoIds(Identities.Caller caller) {
        var ids = new HashSet<String>();
        TodoPages.all(http, caller).forEach(todo -> ids.add(todo.path("id").asText()));
        return ids;
    }

    /** One request's outcome: when it was sent, how long it took, and what it got. */
    private record Answer(String kind, long sentAt, Duration took, int status, boolean problem, String retryAfter,
            String id) {
        static Answer of(String kind, Supplier<Http.Response> request) {
            long sent = System.nanoTime();
            var response = request.get();
            var took = Duration.ofNanos(System.nanoTime() - sent);
            return new Answer(kind, sent, took, response.status(),
                    "application/problem+json".equals(response.contentType()), response.header("Retry-After"),
                    response.status() == 201 ? response.json().path("id").asText() : null);
        }
    }
}
