package dev.quire.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool and the schema: opened and migrated at startup, closed when the application stops. */
public final class Database implements AutoCloseable {
    /** How long a request waits for a pooled connection before it gets a 503: never a hang. */
    static final Duration CONNECTION_TIMEOUT = Duration.ofMillis(1500);

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * Opens the pool and applies pending migrations from {@code db/migration}; fails if either cannot be done. The
     * pool reports its connections (active, idle, pending, wait time) to {@code metrics}.
     */
    public static Database open(DatabaseSettings settings, MeterRegistry metrics) {
        var config = new HikariConfig();
        config.setPoolName("quire");
        config.setJdbcUrl(settings.url());
        // named, not looked up: DriverManager scans for drivers once per JVM, so after a redeploy (whose
        // undeploy deregistered the old class loader's drivers) a lookup would find none
        config.setDriverClassName(settings.isH2() ? "org.h2.Driver" : "org.postgresql.Driver");
        if (!settings.user().isEmpty()) {
            config.setUsername(settings.user());
        }
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.poolSize());
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setValidationTimeout(Duration.ofSeconds(1).toMillis());
        config.setMetricRegistry(metrics);
        var pool = new HikariDataSource(config);
        try {
            var result = Flyway.configure(Database.class.getClassLoader())
                    .dataSource(pool)
                    // shared migrations, and each database's own (search: V12)
                    .locations("classpath:db/migration", "classpath:db/vendor/" + (settings.isH2() ? "h2" : "postgresql"))
                    // text keys compare by code point on both databases (H2 always does; see V5)
                    .placeholders(Map.of("key_collation", settings.isH2() ? "" : "collate \"C\""))
                    .load()
                    .migrate();
            log.info("Database {} ready at schema version {} ({} migrations applied now)",
                    settings, result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion,
                    result.migrationsExecuted);
            return new Database(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
