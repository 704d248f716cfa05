package dev.quire.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.TestDatabase;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JdbcTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "select 1|select",
            "'  SELECT id from todos'|select",
            "with t as (select 1) select * from t|select",
            "insert into todos values (?)|insert",
            "Update todos set title = ?|update",
            "delete from sessions where id = ?|delete",
            "merge into books key (id) values (?)|other",
    })
    void labelsAStatementByItsFirstKeywordOnly(String sql, String kind) {
        assertThat(Jdbc.kindOf(sql)).isEqualTo(kind);
    }

    @Test
    void tellsTheObserverOfEachStatementAndEachTransaction() {
        record Completed(String kind, boolean succeeded) {}
        var seen = new ArrayList<Completed>();
        try (var database = TestDatabase.h2().open()) {
            var jdbc = new Jdbc(database.dataSource(), (kind, nanos, succeeded) -> {
                assertThat(nanos).isNotNegative();
                seen.add(new Completed(kind, succeeded));
            });
            jdbc.one("select 1", statement -> {}, row -> row.getInt(1));
            jdbc.transaction(connection -> Jdbc.update(connection, "update accounts set display_name = 'x' where 1 = 0",
                    statement -> {}));
            try {
                jdbc.update("update no_such_table set x = 1", statement -> {});
            } catch (Jdbc.DataAccessException expected) {
                // reported as a failed update below
            }
        }
        assertThat(seen).containsExactly(new Completed("select", true), new Completed("transaction", true),
                new Completed("update", false));
    }
}
