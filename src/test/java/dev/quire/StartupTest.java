package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.StdoutCapture;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How Quire starts and restarts: refusing bad settings, and keeping its file database across restarts. */
class StartupTest {
    private final StdoutCapture stdout = StdoutCapture.install();

    @Test
    void invalidSettingsStopTheStartWithOneMessageNamingEveryBadKey() {
        int mark = stdout.mark();
        var builder = TestServer.builder(TestDatabase.h2())
                .setting("QUIRE_DB_POOL_SIZE", "many")
                .setting("QUIRE_LOG_FORMAT", "yaml")
                .setting("QUIRE_MAX_BODY_BYTES", "1");

        assertThatThrownBy(builder::start)
                .isInstanceOf(TestServer.ServerStartException.class)
                .hasRootCauseInstanceOf(ConfigException.class)
                .rootCause().hasMessageContainingAll("QUIRE_DB_POOL_SIZE", "QUIRE_LOG_FORMAT", "QUIRE_MAX_BODY_BYTES");

        // logged through an asynchronous appender: the line may follow the failed start by a moment
        var errors = stdout.await(() -> stdout.jsonLinesSince(mark, line -> "ERROR".equals(line.path("level").asText())
                && line.path("message").asText().startsWith("Invalid configuration")));
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).has("stackTrace")).isFalse();
    }

    @Test
    void anH2FileDatabaseThatDelaysWritesIsWarnedAboutAndTheDefaultIsNot() throws Exception {
        Path dir = Files.createTempDirectory("quire-delayed");
        String delayed = AppConfig.h2FileUrl(dir.resolve("quire").toString()).replace(";WRITE_DELAY=0", "");
        int mark = stdout.mark();
        try (var durable = TestServer.builder(TestDatabase.h2()).start();
             var delaying = TestServer.builder(new TestDatabase("h2", delayed)).start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (writeDelayWarnings(mark).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            // one warning: the second server's; the first, on the default settings, has nothing to warn about
            assertThat(writeDelayWarnings(mark)).hasSize(1);
        }
    }

    private List<JsonNode> writeDelayWarnings(int mark) {
        return stdout.jsonLinesSince(mark, line -> "WARN".equals(line.path("level").asText())
                && line.path("message").asText().contains("without WRITE_DELAY=0"));
    }

    @Test
    void aDatabaseThatCannotBeReachedStopsTheStartWithItsReason() {
        var builder = TestServer.builder(new TestDatabase("postgresql", "jdbc:postgresql://127.0.0.1:1/none?user=x"));

        assertThatThrownBy(builder::start)
                .isInstanceOf(TestServer.ServerStartException.class)
                .hasRootCauseInstanceOf(StartupException.class)
                .rootCause().hasMessageStartingWith("Quire cannot start: ");
    }

    @Test
    void theFileDatabaseIsReusedAcrossRestartsWithoutReapplyingMigrations() throws Exception {
        Path dir = Files.createTempDirectory("quire-restart");
        var database = TestDatabase.h2In(dir);

        String email = Identities.uniqueEmail("restart");
        try (var first = TestServer.builder(database).start()) {
            var signUp = new Identities(new Http(first)).signUp(email, Identities.PASSWORD, "Before the restart");
            assertThat(signUp.status()).isEqualTo(201);
        }
        var migrated = migrations(database);
        assertThat(migrated.count()).isPositive();

        int mark = stdout.mark();
        try (var second = TestServer.builder(database).start()) {
            var signIn = new Identities(new Http(second)).signIn(email, Identities.PASSWORD);
            assertThat(signIn.status()).isEqualTo(201);
            assertThat(signIn.json().path("account").path("displayName").asText()).isEqualTo("Before the restart");
        }

        assertThat(migrations(database)).isEqualTo(migrated);
        assertThat(stdout.linesSince(mark)).anySatisfy(line -> assertThat(line).contains("(0 migrations applied now)"));
    }

    private record Migrations(int count, Timestamp lastInstalledOn) {}

    private static Migrations migrations(TestDatabase database) throws SQLException {
        try (var connection = DriverManager.getConnection(database.url());
             var rows = connection.createStatement().executeQuery(
                     "select count(*), max(installed_on) from \"flyway_schema_history\" where type = 'SQL'")) {
            rows.next();
            return new Migrations(rows.getInt(1), rows.getTimestamp(2));
        }
    }
}
