package dev.quire.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One HTTP/1.1 request as bytes on a socket, so that a test can send what no client library will: invalid UTF-8,
 * a byte-order mark, two Authorization headers, a Content-Length that lies, chunked framing next to a
 * Content-Length, no Host, another protocol version. Placeholders such as {@code {todo}} or {@code {token}} in the
 * target, the header values and the body are filled in at sending time, so a table of requests can be written
 * before the data it names exists.
 */
final class RawRequest {
    /** How the body is framed on the wire. */
    enum Framing { CONTENT_LENGTH, NONE, CHUNKED, CHUNKED_AND_CONTENT_LENGTH }

    record Header(String name, String value) {}

    private final String method;
    private final String target;
    private final List<Header> headers = new ArrayList<>();
    private byte[] body = new byte[0];
    private Framing framing = Framing.CONTENT_LENGTH;
    private String declaredLength;
    private boolean endsEarly;
    private String version = "HTTP/1.1";
    private boolean host = true;

    private RawRequest(String method, String target) {
        this.method = method;
        this.target = target;
    }

    static RawRequest of(String method, String target) {
        return new RawRequest(method, target);
    }

    /** Adds a header; a second call with the same name sends the header twice. */
    RawRequest header(String name, String value) {
        headers.add(new Header(name, value));
        return this;
    }

    /** A's bearer token. */
    RawRequest signedIn() {
        return header("Authorization", "Bearer {token}");
    }

    /** A body sent as application/json. */
    RawRequest json(String text) {
        return header("Content-Type", "application/json").body(text);
    }

    RawRequest body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    RawRequest body(byte[] bytes) {
        this.body = bytes.clone();
        return this;
    }

    RawRequest framing(Framing framing) {
        this.framing = framing;
        return this;
    }

    /** Declares this Content-Length whatever the body's real length. */
    RawRequest declaredLength(long length) {
        this.declaredLength = String.valueOf(length);
        return this;
    }

    /** Closes the sending side right after the request, so that a server waiting for more body sees it end. */
    RawRequest endsEarly() {
        this.endsEarly = true;
        return this;
    }

    /** Sends this protocol version on the request line instead of HTTP/1.1. */
    RawRequest version(String version) {
        this.version = version;
        return this;
    }

    /** Sends no Host header. */
    RawRequest withoutHost() {
        this.host = false;
        return this;
    }

    String method() {
        return method;
    }

    /** The request line's target, placeholders left in: for naming the case. */
    String target() {
        return target;
    }

    /** The request's bytes with every placeholder replaced, and the request id to send. */
    byte[] bytes(UnaryOperator<String> fill, String requestId) {
        byte[] content = fillBytes(body, fill);
        var head = new StringBuilder(method).append(' ').append(fill.apply(target)).append(' ').append(version)
                .append("\r\n").append(host ? "Host: localhost\r\n" : "")
                .append("Connection: close\r\nX-Request-Id: ").append(requestId).append("\r\n");
        for (var header : headers) {
            head.append(header.name()).append(": ").append(fill.apply(header.value())).append("\r\n");
        }
        String length = declaredLength != null ? declaredLength : String.valueOf(content.length);
        boolean hasBody = content.length > 0 || List.of("POST", "PUT", "PATCH").contains(method);
        switch (framing) {
            case CONTENT_LENGTH -> {
                if (hasBody || declaredLength != null) {
                    head.append("Content-Length: ").append(length).append("\r\n");
                }
            }
            case CHUNKED -> head.append("Transfer-Encoding: chunked\r\n");
            case CHUNKED_AND_CONTENT_LENGTH -> head.append("Transfer-Encoding: chunked\r\nContent-Length: ")
                    .append(length).append("\r\n");
            case NONE -> { }
        }
        head.append("\r\n");
        var out = new ByteArrayOutputStream();
        // header values may carry bytes above 0x7F on purpose; ISO-8859-1 keeps each char as one byte
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (framing == Framing.CHUNKED || framing == Framing.CHUNKED_AND_CONTENT_LENGTH) {
            for (int at = 0; at < content.length; at += 8192) {
                int n = Math.min(8192, content.length - at);
                out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(content, at, n);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            out.writeBytes(content);
        }
        return out.toByteArray();
    }

    /** Placeholders are ASCII, so they are replaced in the body without decoding (which would repair bad UTF-8). */
    private static byte[] fillBytes(byte[] body, UnaryOperator<String> fill) {
        String latin = new String(body, StandardCharsets.ISO_8859_1);
        if (!latin.contains("{")) {
            return body;
        }
        return fill.apply(latin).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** What came back. {@code headers} are keyed by lower-case name; {@code body} is de-chunked and read as UTF-8. */
    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            var values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }

    /**
     * Sends the request on a new connection and reads the answer. The request is written on its own thread, so an
     * early answer (a 413 before the body has been sent) is read as it arrives.
     */
    Response send(int port, UnaryOperator<String> fill, String requestId) {
        byte[] bytes = bytes(fill, requestId);
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            var writer = new Thread(() -> {
                try {
                    socket.getOutputStream().write(bytes);
                    socket.getOutputStream().flush();
                    if (endsEarly) {
                        socket.shutdownOutput();
                    }
                } catch (IOException e) {
                    // the server answered and closed before the whole request was sent
                }
            }, "raw-request-writer");
            writer.start();
            var response = read(socket.getInputStream());
            writer.join(10_000);
            return response;
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + target + ": no response", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads to the end of the connection (every request says Connection: close), or to the declared length. */
    private static Response read(InputStream in) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                bytes.write(buffer, 0, n);
                if (complete(bytes.toByteArray())) {
                    break;
                }
            }
        } catch (SocketTimeoutException | SocketException e) {
            if (bytes.size() == 0) {
                throw e;
            }
        }
        byte[] all = bytes.toByteArray();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("No complete response head in: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        var headers = new LinkedHashMap<String, List<String>>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        if (headers.getOrDefault("transfer-encoding", List.of()).contains("chunked")) {
            body = dechunk(body);
        }
        return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers,
                new String(body, StandardCharsets.UTF_8));
    }

    private static boolean complete(byte[] all) {
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return all.length >= end + 4 + Integer.parseInt(line.substring(15).trim());
            }
        }
        return false;
    }

    private static byte[] dechunk(byte[] chunked) {
        var out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, at);
            if (lineEnd < 0) {
                break;
            }
            String sizeLine = new String(chunked, at, lineEnd - at, StandardCharsets.US_ASCII);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, Math.min(size, chunked.length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
