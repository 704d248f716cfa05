package dev.quire.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many connections that each send a request they never finish, a few bytes at a time: headers that never end
 * (slowloris), or a body of a large declared length trickling in a byte at a time. One thread drives them all
 * over non-blocking sockets, so a thousand cost the test a thousand file descriptors and nothing more. The
 * connections are first opened evenly over one interval, as a patient attacker would, not in one burst; after
 * that, a connection the server closes is opened again at once: the server faces the full count for the whole run.
 */
public final class SlowClients implements AutoCloseable {
    private static final Duration TURN = Duration.ofMillis(50);
    /** At most this many connections opened again per turn of the loop, so a refusing server is not hammered. */
    private static final int REOPENS_PER_TURN = 200;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");

    /** What each connection sends: its head at once, then one piece every interval, for ever. */
    public interface Script {
        byte[] head();

        byte[] piece(int number);
    }

    /** Counts so far: the attack's own health, to tell a real attack from one that never reached the server. */
    public record Stats(int target, int connected, long opened, long closedByServer, long connectFailures,
            long piecesSent, Map<Integer, Long> statuses) {
        @Override
        public String toString() {
            return String.format("%d/%d connected, %d opened, %d closed by the server, %d connect failures,"
                    + " %d pieces sent, answers %s", connected, target, opened, closedByServer, connectFailures,
                    piecesSent, statuses);
        }
    }

    private final InetSocketAddress server;
    private final int target;
    private final long intervalNanos;
    private final Script script;
    private final Selector selector;
    private final List<Connection> connections = new ArrayList<>();
    private final int opensPerTurnAtFirst;
    private final Thread driver;
    private volatile boolean running = true;
    private volatile Throwable failure;
    // written by the driver thread only; read under the lock through stats()
    private long opened;
    private long closedByServer;
    private long connectFailures;
    private long piecesSent;
    private final Map<Integer, Long> statuses = new TreeMap<>();

    private SlowClients(int port, int count, Duration interval, Script script) throws IOException {
        this.server = new InetSocketAddress("127.0.0.1", port);
        this.target = count;
        this.intervalNanos = interval.toNanos();
        this.opensPerTurnAtFirst = (int) Math.max(1, Math.ceil(count / (double) interval.dividedBy(TURN)));
        this.script = script;
        this.selector = Selector.open();
        this.driver = new Thread(this::drive, "slow-clients");
        driver.setDaemon(true);
    }

    /**
     * {@code count} connections that each send a request line and one header, then another header line every
     * {@code interval}, and never the blank line that ends the headers.
     */
    public static SlowClients slowHeaders(int port, String path, int count, Duration interval) {
        return start(port, count, interval, new Script() {
            @Override
            public byte[] head() {
                return ascii("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\n");
            }

            @Override
            public byte[] piece(int number) {
                return ascii("X-Slow-" + number + ": " + number + "\r\n");
            }
        });
    }

    /**
     * {@code count} connections that each send complete headers ({@code head}, a POST declaring a large body)
     * and then one byte of the body (JSON whitespace) every {@code interval}.
     */
    public static SlowClients slowBodies(int port, String head, int count, Duration interval) {
        byte[] headBytes = ascii(head);
        byte[] space = ascii(" ");
        return start(port, count, interval, new Script() {
            @Override
            public byte[] head() {
                return headBytes;
            }

            @Override
            public byte[] piece(int number) {
                return space;
            }
        });
    }

    private static SlowClients start(int port, int count, Duration interval, Script script) {
        try {
            var clients = new SlowClients(port, count, interval, script);
            clients.driver.start();
            return clients;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until {@code count} connections are open (or fails after {@code limit}): the attack is in place. */
    public Stats awaitConnected(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            Stats stats = stats();
            if (stats.connected() >= target) {
                return stats;
            }
            check();
            sleep(50);
        }
        throw new AssertionError("only " + stats() + " after " + limit);
    }

    public synchronized Stats stats() {
        int connected = (int) connections.stream().filter(c -> c.connected).count();
        return new Stats(target, connected, opened, closedByServer, connectFailures, piecesSent, Map.copyOf(statuses));
    }

    /** Stops sending and closes every connection; returns the final counts. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            driver.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            connections.forEach(Connection::close);
            connections.clear();
        }
        try {
            selector.close();
        } catch (IOException e) {
            // closing the test's own selector
        }
        check();
    }

    private void check() {
        if (failure != null) {
            throw new IllegalStateException("the slow clients' thread failed", failure);
        }
    }

    private void drive() {
        try {
            while (running) {
                selector.select(TURN.toMillis());
                long now = System.nanoTime();
                synchronized (this) {
                    for (var key : selector.selectedKeys()) {
                        var connection = (Connection) key.attachment();
                        if (key.isValid() && key.isConnectable()) {
                            finishConnect(connection, now);
                        } else if (key.isValid() && key.isReadable()) {
                            read(connection);
                        }
                    }
                    selector.selectedKeys().clear();
                    for (var connection : List.copyOf(connections)) {
                        if (!connection.connected && now - connection.startedAt > CONNECT_TIMEOUT.toNanos()) {
                            connectFailures++;
                            drop(connection);
                        } else if (connection.connected && now - connection.nextPieceAt >= 0) {
                            send(connection, script.piece(++connection.pieces));
                            piecesSent++;
                            connection.nextPieceAt += intervalNanos;
                        }
                    }
                    int opens = opened < target ? opensPerTurnAtFirst : REOPENS_PER_TURN;
                    for (int i = 0; i < opens && connections.size() < target; i++) {
                        open(now);
                    }
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
        }
    }

    private void open(long now) throws IOException {
        var channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        var connection = new Connection(channel, now);
        connections.add(connection);
        opened++;
        try {
            if (channel.connect(server)) {
                connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
                connected(connection, now);
            } else {
                connection.key = channel.register(selector, SelectionKey.OP_CONNECT, connection);
            }
        } catch (IOException e) {
            connectFailures++;
            drop(connection);
        }
    }

    private void finishConnect(Connection connection, long now) {
        try {
            if (connection.channel.finishConnect()) {
                connection.key.interestOps(SelectionKey.OP_READ);
                connected(connection, now);
            }
        } catch (IOException e) {
            connectFailures++;
            drop(connection);
        }
    }

    /** Sends the head, and schedules the first piece at a random point of the first interval: spread out. */
    private void connected(Connection connection, long now) {
        connection.connected = true;
        connection.nextPieceAt = now + ThreadLocalRandom.current().nextLong(1, intervalNanos);
        send(connection, script.head());
    }

    private void send(Connection connection, byte[] bytes) {
        try {
            var buffer = ByteBuffer.wrap(bytes);
            connection.channel.write(buffer);
            // a few bytes into an empty socket buffer: all of them go, or the server is gone
        } catch (IOException e) {
            closedByServer++;
            drop(connection);
        }
    }

    private void read(Connection connection) {
        var buffer = ByteBuffer.allocate(4096);
        try {
            int n = connection.channel.read(buffer);
            if (n < 0) {
                closedByServer++;
                drop(connection);
                return;
            }
            Matcher status = STATUS.matcher(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
            while (status.find()) {
                statuses.merge(Integer.parseInt(status.group(1)), 1L, Long::sum);
            }
        } catch (IOException e) {
            closedByServer++;
            drop(connection);
        }
    }

    private void drop(Connection connection) {
        connection.close();
        connections.remove(connection);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Connection {
        final SocketChannel channel;
        final long startedAt;
        SelectionKey key;
        boolean connected;
        long nextPieceAt;
        int pieces;

        Connection(SocketChannel channel, long startedAt) {
            this.channel = channel;
            this.startedAt = startedAt;
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
