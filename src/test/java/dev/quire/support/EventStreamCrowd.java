package dev.quire.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Many Server-Sent Events streams held open at once, as many browsers' EventSources would hold them, read by one
 * thread over non-blocking sockets: a thousand cost the test a thousand file descriptors and little else. Each
 * stream sends a plain HTTP/1.1 GET; its answer's head, its chunked body and the events in it are read as they
 * come, and each stream keeps the ids of the events it received, the comments (heartbeats) it saw, when the
 * server ended it, and when the server closed its connection. As a browser keeps a connection for another request,
 * the crowd keeps the connection of a stream the server ended until the server closes it (or the crowd is closed);
 * the connection of a refused stream it closes at once.
 */
public final class EventStreamCrowd implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Streams opened before waiting for their answers' heads: a burst the server's accept queue takes whole. */
    private static final int BATCH = 50;
    private static final int END_OF_HEAD = '\r' << 24 | '\n' << 16 | '\r' << 8 | '\n';

    /** One stream's state: written by the reading thread, read by the test through {@link #snapshot}. */
    private static final class Stream {
        final int index;
        final SocketChannel channel;
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        final StringBuilder sizeLine = new StringBuilder();
        /** The last four bytes of the head read so far, to find its end (CR LF CR LF). */
        int lastFour;
        boolean chunked;
        /** Bytes left in the current chunk; -1 while reading a chunk-size line, -2 while reading a chunk's CRLF. */
        long chunkLeft = -1;
        int crlfLeft;
        long currentId = -1;
        volatile int status = -1;
        final List<Long> ids = new ArrayList<>();
        boolean hasData;
        volatile int comments;
        volatile long endedNanos;
        volatile long closedNanos;

        Stream(int index, SocketChannel channel) {
            this.index = index;
            this.channel = channel;
        }
    }

    /** What one stream has seen so far. */
    public record Seen(int index, int status, List<Long> ids, int comments, long endedNanos, long closedNanos) {
        public boolean ended() {
            return endedNanos != 0;
        }

        /** Whether the server closed the connection (after ending the stream, or instead of ending it). */
        public boolean closedByServer() {
            return closedNanos != 0;
        }
    }

    private final InetSocketAddress server;
    private final Selector selector;
    private final List<Stream> streams = new ArrayList<>();
    private final ConcurrentLinkedQueue<Stream> toRegister = new ConcurrentLinkedQueue<>();
    private final Thread reader;
    private volatile boolean running = true;

    private EventStreamCrowd(int port) throws IOException {
        this.server = new InetSocketAddress("127.0.0.1", port);
        this.selector = Selector.open();
        this.reader = new Thread(this::read, "event-stream-crowd");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Opens {@code count} streams of {@code path} (the full path, context path included) on 127.0.0.1:{@code port},
     * each with these request headers besides Host and {@code Accept: text/event-stream}, a batch at a time; returns
     * once every one has its answer's head (a status: 200, or a refusal), failing if one has not within
     * {@code within}.
     */
    public static EventStreamCrowd open(int port, String path, Map<String, String> headers, int count,
            Duration within) {
        EventStreamCrowd crowd;
        try {
            crowd = new EventStreamCrowd(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            crowd.add(path, headers, count, within);
        } catch (RuntimeException | Error e) {
            crowd.close();
            throw e;
        }
        return crowd;
    }

    /** Opens {@code count} more streams, as {@link #open} does. */
    public void add(String path, Map<String, String> headers, int count, Duration within) {
        var request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Accept: text/event-stream\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        byte[] bytes = request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + within.toNanos();
        for (int opened = 0; opened < count; ) {
            var batch = new ArrayList<Stream>();
            for (int i = 0; i < BATCH && opened < count; i++, opened++) {
                batch.add(connect(bytes));
            }
            while (batch.stream().anyMatch(stream -> stream.status < 0)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(batch.stream().filter(stream -> stream.status < 0).count() + " of "
                            + (streams.size()) + " streams had no answer within " + within);
                }
                pause(10);
            }
        }
    }

    private Stream connect(byte[] request) {
        try {
            var channel = SocketChannel.open();
            channel.socket().connect(server, (int) CONNECT_TIMEOUT.toMillis());
            channel.socket().setTcpNoDelay(true);
            var buffer = ByteBuffer.wrap(request);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.configureBlocking(false);
            Stream stream;
            synchronized (streams) {
                stream = new Stream(streams.size(), channel);
                streams.add(stream);
            }
            toRegister.add(stream);
            selector.wakeup();
            return stream;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a stream to " + server, e);
        }
    }

    public int size() {
        synchronized (streams) {
            return streams.size();
        }
    }

    /** What every stream has seen so far, in the order they were opened. */
    public List<Seen> snapshot() {
        var seen = new ArrayList<Seen>();
        for (Stream stream : streamsNow()) {
            synchronized (stream) {
                seen.add(new Seen(stream.index, stream.status, List.copyOf(stream.ids), stream.comments,
                        stream.endedNanos, stream.closedNanos));
            }
        }
        return seen;
    }

    /** How many streams got each status. */
    public Map<Integer, Integer> statuses() {
        var statuses = new TreeMap<Integer, Integer>();
        streamsNow().forEach(stream -> statuses.merge(stream.status, 1, Integer::sum));
        return statuses;
    }

    /** Streams answered 200 that the server has not ended. */
    public int live() {
        return (int) streamsNow().stream().filter(stream -> stream.status == 200 && stream.endedNanos == 0).count();
    }

    /** Waits until every stream has seen what {@code done} asks for; false if one has not within {@code limit}. */
    public boolean await(Predicate<Seen> done, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!snapshot().stream().allMatch(done)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause(10);
        }
        return true;
    }

    private List<Stream> streamsNow() {
        synchronized (streams) {
            return List.copyOf(streams);
        }
    }

    private void read() {
        var buffer = ByteBuffer.allocate(64 * 1024);
        while (running) {
            try {
                selector.select(50);
                for (Stream stream; (stream = toRegister.poll()) != null; ) {
                    stream.channel.register(selector, SelectionKey.OP_READ, stream);
                }
                for (var key : selector.selectedKeys()) {
                    var stream = (Stream) key.attachment();
                    buffer.clear();
                    int read;
                    try {
                        read = stream.channel.read(buffer);
                    } catch (IOException e) {
                        read = -1; // reset by the server: the stream is over as surely as with a clean end
                    }
                    if (read < 0) {
                        synchronized (stream) {
                            end(stream);
                            stream.closedNanos = System.nanoTime();
                        }
                        key.cancel();
                        closeQuietly(stream.channel);
                        continue;
                    }
                    synchronized (stream) {
                        for (int i = 0; i < read && stream.endedNanos == 0; i++) {
                            take(stream, buffer.get(i));
                        }
                    }
                    if (stream.endedNanos != 0 && stream.status != 200) {
                        key.cancel();
                        closeQuietly(stream.channel);
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                if (running) {
                    e.printStackTrace();
                }
            }
        }
    }

    /** One byte of the answer: its head, then its (chunked) body. Called holding the stream's lock. */
    private static void take(Stream stream, byte b) {
        if (stream.status < 0) {
            stream.head.write(b);
            stream.lastFour = stream.lastFour << 8 | (b & 0xff);
            if (stream.lastFour == END_OF_HEAD) {
                readHead(stream);
            }
            return;
        }
        if (!stream.chunked) {
            body(stream, b);
            return;
        }
        if (stream.chunkLeft == -1) {
            if (b == '\n') {
                String size = stream.sizeLine.toString().trim();
                stream.sizeLine.setLength(0);
                int extension = size.indexOf(';');
                long length = Long.parseLong(extension < 0 ? size : size.substring(0, extension), 16);
                if (length == 0) {
                    end(stream); // the last chunk: the server completed the response
                } else {
                    stream.chunkLeft = length;
                }
            } else {
                stream.sizeLine.append((char) b);
            }
        } else if (stream.chunkLeft == -2) {
            if (--stream.crlfLeft == 0) {
                stream.chunkLeft = -1;
            }
        } else {
            body(stream, b);
            if (--stream.chunkLeft == 0) {
                stream.chunkLeft = -2;
                stream.crlfLeft = 2;
            }
        }
    }

    private static void readHead(Stream stream) {
        String head = stream.head.toString(StandardCharsets.ISO_8859_1);
        stream.head.reset();
        String[] lines = head.split("\r\n");
        stream.chunked = head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked");
        stream.status = Integer.parseInt(lines[0].split(" ")[1]);
        if (stream.status != 200) {
            end(stream); // a refusal: its problem body is not read
        }
    }

    /** One byte of the event stream: lines, and an event at each empty line. */
    private static void body(Stream stream, byte b) {
        if (b != '\n') {
            stream.line.write(b);
            return;
        }
        String line = stream.line.toString(StandardCharsets.UTF_8);
        stream.line.reset();
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            // as EventSource does, a block without data is no event (the stream's first block, an id only, says
            // where the stream starts)
            if (stream.currentId >= 0 && stream.hasData) {
                stream.ids.add(stream.currentId);
            }
            stream.currentId = -1;
            stream.hasData = false;
        } else if (line.startsWith("data:")) {
            stream.hasData = true;
        } else if (line.startsWith(":")) {
            stream.comments++;
        } else if (line.startsWith("id: ")) {
            stream.currentId = Long.parseLong(line.substring(4));
        }
    }

    private static void end(Stream stream) {
        if (stream.endedNanos == 0) {
            stream.endedNanos = System.nanoTime();
        }
        if (stream.status < 0) {
            stream.status = 0; // closed before any answer
        }
    }

    /** Closes every stream the server has not ended. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        streamsNow().forEach(stream -> closeQuietly(stream.channel));
        try {
            selector.close();
        } catch (IOException e) {
            // closing
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
