package dev.quire.support;

import dev.quire.db.Jdbc;
import dev.quire.identity.AccountId;
import dev.quire.shared.Ids;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/** Account rows written straight into a migrated database, for store tests that need an owner to point at. */
public final class AccountRows {
    private AccountRows() {}

    public static AccountId insert(DataSource dataSource, String displayName) {
        var id = new AccountId(Ids.timeOrdered("acct", System.currentTimeMillis()));
        var now = Instant.now().atOffset(ZoneOffset.UTC);
        new Jdbc(dataSource).update("insert into accounts (id, email, email_key, password_hash, display_name,"
                + " created_at, updated_at) values (?, ?, ?, 'x', ?, ?, ?)", statement -> {
                    statement.setString(1, id.value());
                    statement.setString(2, id.value() + "@example.com");
                    statement.setString(3, id.value().toLowerCase() + "@example.com");
                    statement.setString(4, displayName);
                    statement.setObject(5, now);
                    statement.setObject(6, now);
                });
        return id;
    }
}
