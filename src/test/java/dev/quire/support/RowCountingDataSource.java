package dev.quire.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A real DataSource, seen through a proxy that counts the rows the application reads from result sets: the way to
 * tell that a query pages in the database rather than loading everything and slicing it in memory.
 */
public final class RowCountingDataSource {
    private final AtomicLong rowsRead = new AtomicLong();
    private final DataSource counted;

    public RowCountingDataSource(DataSource real) {
        this.counted = wrap(DataSource.class, real);
    }

    public DataSource dataSource() {
        return counted;
    }

    public long rowsRead() {
        return rowsRead.get();
    }

    public void reset() {
        rowsRead.set(0);
    }

    @SuppressWarnings("unchecked")
    private <T> T wrap(Class<T> type, T target) {
        InvocationHandler handler = (proxy, method, arguments) -> {
            Object result;
            try {
                result = method.invoke(target, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (type == ResultSet.class && method.getName().equals("next") && Boolean.TRUE.equals(result)) {
                rowsRead.incrementAndGet();
            }
            if (result instanceof ResultSet rows) {
                return wrap(ResultSet.class, rows);
            }
            if (result instanceof PreparedStatement statement) {
                return wrap(PreparedStatement.class, statement);
            }
            if (result instanceof Statement statement) {
                return wrap(Statement.class, statement);
            }
            if (result instanceof Connection connection) {
                return wrap(Connection.class, connection);
            }
            return result;
        };
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
