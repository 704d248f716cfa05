package dev.quire.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Refuses request bodies over {@code QUIRE_MAX_BODY_BYTES} with 413, never holding more than the limit in
 * memory: a declared Content-Length over the limit is refused before a byte is read, and a body of unknown
 * length (chunked) is counted as it is read, through the stream or the reader, and fails at the first byte
 * past the limit. (Form bodies, which Quire does not take, are bounded by the container's own form limit.)
 *
 * <p>A body within the limit that the application did not read (a 401 or 405 answered before it) is read and
 * dropped after the response, as Tomcat does by itself: otherwise Jetty closes the connection under a client that
 * may already be sending its next request on it.
 *
 * <p>Every body is read through this filter's stream, which turns any failure of the container's own reading (a
 * client too slow for the container's timeouts or minimum data rate, or gone mid-body) into a {@link
 * BodyReadException}, answered 408 without an error log line.
 */
public final class BodyLimitFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;

    private final long limit;

    public BodyLimitFilter(long limit) {
        this.limit = limit;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            // the body stays unread: closing the connection is cheaper than draining it
            response.setHeader("Connection", "close");
            ProblemMapper.write(response, Problem.of(413, new BodyTooLargeException(limit).getMessage(), request));
            return;
        }
        var limited = new LimitedRequest(request, limit, declared);
        chain.doFilter(limited, response);
        if (declared > 0 || request.getHeader("Transfer-Encoding") != null) {
            drain(limited, response);
        }
    }

    /**
     * Sends the response, then reads what is left of the body, up to the limit, so that the connection can carry
     * the next request. A client that asked for 100-continue and got a final answer instead sends no body: there
     * is nothing to wait for.
     */
    private static void drain(HttpServletRequest request, HttpServletResponse response) {
        if ("close".equalsIgnoreCase(response.getHeader("Connection")) || request.isAsyncStarted()
                || request.getHeader("Expect") != null) {
            return;
        }
        byte[] buffer = new byte[8192];
        try {
            response.flushBuffer();
            var in = request.getInputStream();
            // read to its end already (the application read it all): nothing to drain
            if (in.isFinished()) {
                return;
            }
            while (in.read(buffer) >= 0) {
                // dropped
            }
        } catch (IllegalStateException e) {
            // the application read the body through getReader(), to its end or not: the container decides
        } catch (IOException e) {
            // past the limit, too slow, or the client went away: the container closes the connection
        }
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long limit;
        private final long declared;
        private LimitedStream stream;
        private BufferedReader reader;

        LimitedRequest(HttpServletRequest request, long limit, long declared) {
            super(request);
            this.limit = limit;
            this.declared = declared;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (reader != null) {
                throw new IllegalStateException("getReader() has already been called");
            }
            return stream();
        }

        @Override
        public BufferedReader getReader() throws IOException {
            if (reader == null) {
                if (stream != null) {
                    throw new IllegalStateException("getInputStream() has already been called");
                }
                String encoding = getCharacterEncoding();
                reader = new BufferedReader(new InputStreamReader(stream(),
                        encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding)));
            }
            return reader;
        }

        private LimitedStream stream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), limit, declared);
            }
            return stream;
        }
    }

    /**
     * The container's stream, counted against the limit, its failures turned into {@link BodyReadException}. Once
     * a declared length has arrived it answers the end itself: asking the container again could make Jetty check
     * its minimum data rate over the whole request (HttpConfiguration's does, at every read) and fail a complete
     * body that came with a pause, since the JSON parser reads once more to make sure nothing follows the
     * document.
     */
    private static final class LimitedStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        /** The declared Content-Length, or -1 (chunked). */
        private final long declared;
        private long count;

        LimitedStream(ServletInputStream in, long limit, long declared) {
            this.in = in;
            this.limit = limit;
            this.declared = declared;
        }

        private boolean complete() {
            return declared >= 0 && count >= declared;
        }

        @Override
        public int read() throws IOException {
            if (complete()) {
                return -1;
            }
            int b;
            try {
                b = in.read();
            } catch (IOException | RuntimeException e) {
                throw new BodyReadException(e);
            }
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (complete()) {
                return -1;
            }
            int n;
            try {
                n = in.read(buffer, offset, length);
            } catch (IOException | RuntimeException e) {
                // Jetty's deprecated data rate check throws an unchecked BadMessageException: the client's fault too
                throw new BodyReadException(e);
            }
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) throws BodyTooLargeException {
            count += n;
            if (count > limit) {
                throw new BodyTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return complete() || in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
