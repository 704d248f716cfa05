package dev.quire.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP over a plain socket, for what a well-behaved client library will not send: a body that keeps coming
 * after the server has answered, chunked bodies written by hand, headers that disagree. Reads the response
 * even if writing the rest of the request failed because the server had already closed the connection.
 */
public final class RawHttp {
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Something that writes the request bytes; it may be cut short by the server closing the connection. */
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private RawHttp() {}

    /**
     * Writes the request on one thread while reading the response on this one, so an early answer (a 413
     * before the body is complete) is read as it arrives, not lost when the server closes the connection.
     */
    public static Response exchange(TestServer server, Writer request) {
        return exchange(server.port(), null, request);
    }

    /** As {@link #exchange(TestServer, Writer)}, with a server on this loopback port. */
    public static Response exchange(int port, Writer request) {
        return exchange(port, null, request);
    }

    /**
     * As {@link #exchange(TestServer, Writer)}, from another loopback address ({@code 127.0.0.2}, ...): to the
     * server, a different client.
     */
    public static Response exchange(TestServer server, String fromAddress, Writer request) {
        return exchange(server.port(), fromAddress, request);
    }

    /** As {@link #exchange(TestServer, String, Writer)}, with a server (or a proxy) on this loopback port. */
    public static Response exchange(int port, String fromAddress, Writer request) {
        try (var socket = fromAddress == null
                ? new Socket("127.0.0.1", port)
                : new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(fromAddress), 0)) {
            socket.setSoTimeout(10_000);
            var writer = new Thread(() -> {
                try {
                    var out = socket.getOutputStream();
                    request.write(out);
                    out.flush();
                } catch (IOException e) {
                    // the server answered and closed before the whole request was sent
                }
            }, "raw-http-writer");
            writer.start();
            var response = read(socket.getInputStream());
            // a writer still blocked on a full socket buffer is released by shutting the socket down
            socket.shutdownOutput();
            writer.join(10_000);
            return response;
        } catch (IOException e) {
            throw new IllegalStateException("Raw exchange failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A complete request with a JSON body, closing the connection after the response. */
    public static Writer json(String method, String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return out -> {
            out.write(ascii(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n"));
            out.write(bytes);
        };
    }

    /** One kept-alive connection, to see what the server does between the requests sent on it. */
    public static final class Connection implements AutoCloseable {
        private final Socket socket;

        private Connection(Socket socket) {
            this.socket = socket;
        }

        public static Connection open(TestServer server) {
            return open(server.port());
        }

        /** As {@link #open(TestServer)}, to a server on this loopback port. */
        public static Connection open(int port) {
            try {
                var socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(10_000);
                socket.setTcpNoDelay(true);
                return new Connection(socket);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public void write(String text) {
            try {
                socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
            } catch (IOException e) {
                throw new IllegalStateException("The server closed the connection", e);
            }
        }

        /** The next response; fails if the server closed the connection instead. */
        public Response read() {
            try {
                return RawHttp.read(socket.getInputStream());
            } catch (IOException e) {
                throw new IllegalStateException("No response: the server closed the connection", e);
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a test socket
            }
        }
    }

    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Response read(InputStream in) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var buffer = new byte[8192];
        int headEnd = -1;
        int contentLength = -1;
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                bytes.write(buffer, 0, n);
                if (headEnd < 0) {
                    headEnd = bytes.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
                    if (headEnd >= 0) {
                        contentLength = contentLength(bytes.toString(StandardCharsets.ISO_8859_1).substring(0, headEnd));
                    }
                }
                if (headEnd >= 0 && contentLength >= 0 && bytes.size() >= headEnd + 4 + contentLength) {
                    break;
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            if (headEnd < 0) {
                throw e;
            }
        }
        String all = bytes.toString(StandardCharsets.UTF_8);
        int end = all.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("No complete response head in: " + all);
        }
        String[] lines = all.substring(0, end).split("\r\n");
        var headers = new LinkedHashMap<String, String>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        return new Response(status, headers, all.substring(end + 4));
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return -1;
    }
}
