package dev.quire.support;

import dev.quire.AppConfig;
import dev.quire.db.Database;
import dev.quire.db.DatabaseSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where a test server keeps its data: a fresh H2 file database, or a fresh database on a real PostgreSQL. */
public record TestDatabase(String name, String url) {

    /** A new H2 database in a temporary directory, with the same settings as Quire's default. */
    public static TestDatabase h2() {
        try {
            return h2In(Files.createTempDirectory("quire-h2"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The H2 database kept in {@code dir}: the same directory gives the same database, across restarts. */
    public static TestDatabase h2In(Path dir) {
        return new TestDatabase("h2", AppConfig.h2FileUrl(dir.resolve("quire").toAbsolutePath().toString()));
    }

    /** A new, empty database on the PostgreSQL server shared by this test JVM. */
    public static TestDatabase postgres() {
        return new TestDatabase("postgresql", PostgresServer.shared().createDatabase());
    }

    /** The database opened and migrated as Quire opens it, for store tests that need no server. */
    public Database open() {
        return Database.open(new DatabaseSettings(url, "", "", 4), new SimpleMeterRegistry());
    }

    public Map<String, String> settings() {
        return Map.of("QUIRE_DB_URL", url);
    }
}
