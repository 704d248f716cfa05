package dev.quire.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.PostgresServer;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * While PostgreSQL is down, readiness and every request that needs the database answer 503 with Retry-After,
 * promptly (no hang on the pool); once it is back, Quire recovers by itself.
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

            for (var response : java.util.List.of(signIn, authenticated)) {
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
    }
}
