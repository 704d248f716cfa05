package reference;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * {@code GET /jersey/rows/{id}} and {@code POST /jersey/rows}: one row of a table shaped like Quire's todos, read by
 * primary key or inserted and committed, through a HikariCP pool of the same size and the same JDBC driver, with a
 * prepared statement in try-with-resources, as JSON through Jackson. This is the least any JSON API over that table
 * does per request; Quire's {@code get-todo} and {@code create-todo} add its filter chain, the session or key check,
 * the ownership rule, links and (for a create) the change event written in the same transaction.
 */
@Path("/rows")
@Produces(MediaType.APPLICATION_JSON)
public final class RowsResource {
    /** Every row belongs to one made-up owner: the reference has no accounts. */
    static final String OWNER = "acct_reference";

    private static final String COLUMNS =
            "id, owner_id, title, title_key, completed, position, created_at, updated_at, version";
    private static final String SELECT = "select " + COLUMNS + " from ref_todos where id = ?";
    private static final String INSERT = "insert into ref_todos (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final HexFormat HEX = HexFormat.of();

    private final DataSource db;

    public RowsResource(DataSource db) {
        this.db = db;
    }

    @GET
    @Path("{id}")
    public Row get(@PathParam("id") String id) throws SQLException {
        try (Connection connection = db.getConnection();
             var statement = connection.prepareStatement(SELECT)) {
            statement.setString(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new NotFoundException();
                }
                return Row.from(rows);
            }
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(NewRow body) throws SQLException {
        if (body == null || body.title() == null || body.title().isBlank()) {
            throw new BadRequestException();
        }
        var now = Instant.now();
        // time-ordered like Quire's ids (the millisecond first, then random bits), so both append at the end of
        // the primary key's index; the position is the clock, where Quire reads the owner's last one first
        var id = "ref_" + HEX.toHexDigits(now.toEpochMilli()) + HEX.toHexDigits(ThreadLocalRandom.current().nextLong());
        var row = new Row(id, OWNER, body.title(), body.title().toLowerCase(Locale.ROOT), false, now.toEpochMilli(),
                now.toString(), now.toString(), 1);
        // autocommit: the row is committed (durably: WRITE_DELAY=0 on H2, fsync on PostgreSQL) before the 201
        try (Connection connection = db.getConnection()) {
            insert(connection, row, now);
        }
        return Response.status(Response.Status.CREATED).entity(row).build();
    }

    static void insert(Connection connection, Row row, Instant at) throws SQLException {
        try (var statement = connection.prepareStatement(INSERT)) {
            statement.setString(1, row.id());
            statement.setString(2, row.ownerId());
            statement.setString(3, row.title());
            statement.setString(4, row.titleKey());
            statement.setBoolean(5, row.completed());
            statement.setLong(6, row.position());
            statement.setObject(7, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            statement.setObject(8, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            statement.setLong(9, row.version());
            statement.executeUpdate();
        }
    }

    public record NewRow(String title) {}

    public record Row(String id, String ownerId, String title, String titleKey, boolean completed, long position,
                      String createdAt, String updatedAt, long version) {
        static Row from(ResultSet row) throws SQLException {
            return new Row(row.getString("id"), row.getString("owner_id"), row.getString("title"),
                    row.getString("title_key"), row.getBoolean("completed"), row.getLong("position"),
                    instant(row, "created_at"), instant(row, "updated_at"), row.getLong("version"));
        }

        private static String instant(ResultSet row, String column) throws SQLException {
            return row.getObject(column, OffsetDateTime.class).toInstant().toString();
        }
    }
}
