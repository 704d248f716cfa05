package reference;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * The reference webapp's start: the pool, the table and its seed row, then the two servlets. The benchmark builds it
 * from the jars of the Quire WAR under test (bench/bench.py, docs/BENCHMARK.md) and runs it on the same Jetty, JVM
 * options and database as Quire, so that each Quire scenario has beside it what the same libraries cost doing the
 * least that scenario needs.
 */
public final class ReferenceApp implements ServletContextListener {
    /** The row {@code GET /jersey/rows/ref_seed} reads (bench.py names it too). */
    static final String SEED_ID = "ref_seed";

    // Quire's todos table (V3__todos.sql) with the same columns, types and indexes; no foreign key, as there are no
    // accounts. "if not exists": PostgreSQL keeps the table between starts of the reference.
    private static final String[] SCHEMA = {
        """
        create table if not exists ref_todos (
            id varchar(40) not null primary key,
            owner_id varchar(40) not null,
            title varchar(1000) not null,
            title_key varchar(1000) not null,
            completed boolean not null,
            position bigint not null,
            created_at timestamp with time zone not null,
            updated_at timestamp with time zone not null,
            version bigint not null
        )""",
        "create index if not exists ref_todos_owner_position on ref_todos (owner_id, position, id)",
        "create index if not exists ref_todos_owner_created on ref_todos (owner_id, created_at, id)",
        "create index if not exists ref_todos_owner_title on ref_todos (owner_id, title_key, id)",
    };

    private HikariDataSource pool;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        pool = open(System.getenv("QUIRE_DB_URL"), System.getenv("QUIRE_DB_POOL_SIZE"));
        try (Connection connection = pool.getConnection()) {
            for (String statement : SCHEMA) {
                try (var create = connection.createStatement()) {
                    create.execute(statement);
                }
            }
            seed(connection);
        } catch (SQLException e) {
            pool.close();
            throw new IllegalStateException("The reference could not make its table", e);
        }
        var context = event.getServletContext();
        context.addServlet("bytes", new BytesServlet()).addMapping("/bytes");
        context.addServlet("jersey", new ServletContainer(new ReferenceApplication(pool))).addMapping("/jersey/*");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        pool.close();
    }

    /**
     * The pool as Quire's db/Database opens it: QUIRE_DB_POOL_SIZE connections (10 unless the benchmark is given
     * another size, which it gives both), a 1.5 s wait at most, the driver named.
     */
    private static HikariDataSource open(String url, String poolSize) {
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("QUIRE_DB_URL is not set: the reference uses the database Quire is given");
        }
        var config = new HikariConfig();
        config.setPoolName("reference");
        config.setJdbcUrl(url);
        config.setDriverClassName(url.startsWith("jdbc:h2:") ? "org.h2.Driver" : "org.postgresql.Driver");
        config.setMaximumPoolSize(poolSize == null ? 10 : Integer.parseInt(poolSize));
        config.setConnectionTimeout(1500);
        config.setValidationTimeout(1000);
        return new HikariDataSource(config);
    }

    private static void seed(Connection connection) throws SQLException {
        try (var check = connection.prepareStatement("select count(*) from ref_todos where id = ?")) {
            check.setString(1, SEED_ID);
            try (var rows = check.executeQuery()) {
                rows.next();
                if (rows.getLong(1) > 0) {
                    return;
                }
            }
        }
        var now = Instant.now();
        RowsResource.insert(connection, new RowsResource.Row(SEED_ID, RowsResource.OWNER, "Seeded todo 0",
                "seeded todo 0", false, 1, now.toString(), now.toString(), 1), now);
    }
}
