package dev.quire.http;

import dev.quire.rest.ApiPaths;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Reads the media-type headers of a request for Jersey before Jersey does, so that every answer about them is a
 * problem Quire wrote (Jersey answers a header it cannot parse with a bare 400 that drops every header the chain
 * set), and so that negotiation follows RFC 9110:
 * <ul>
 * <li>{@code Content-Type} matters only with a body. There, a malformed or repeated one is a 400, and JSON labelled
 * with a charset other than UTF-8 is a 415 (RFC 8259: JSON is UTF-8). Without a body the header is ignored.
 * <li>{@code Accept}: a malformed one is a 400. A valid one is reduced to the types Quire can produce with their
 * weights, by the rules Jersey does not follow itself: {@code q=0} excludes, the most specific range decides, and
 * a range's parameters must hold (a {@code charset} other than UTF-8 matches nothing, since every text Quire writes
 * is UTF-8). Jersey then chooses among concrete types only, so it never copies a parameter the client sent into
 * the response's {@code Content-Type}.
 * </ul>
 */
public final class MediaTypeFilter extends HttpFilter {
    /**
     * What Jersey is told when the client accepts none of the types Quire produces: a type no resource produces, so
     * every operation with a body answers 406, while one that answers without a body (see {@link NoContentMethods})
     * still runs, since there is nothing to negotiate.
     */
    static final String NOTHING_ACCEPTABLE = "application/x.quire.nothing-acceptable";
    private static final long serialVersionUID = 1L;

    private final transient List<MediaRange> produced;

    /** @param produced the concrete media types Quire's resources produce */
    public MediaTypeFilter(List<String> produced) {
        this.produced = produced.stream()
                .map(type -> MediaRange.parseType(type).orElseThrow(() -> new IllegalArgumentException(type)))
                .toList();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!ApiPaths.isJersey(request)) {
            chain.doFilter(request, response);
            return;
        }
        boolean hasBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        List<String> contentTypes = Collections.list(request.getHeaders("Content-Type"));
        boolean ignoreContentType = false;
        if (!contentTypes.isEmpty()) {
            var type = contentTypes.size() == 1 ? MediaRange.parseType(contentTypes.get(0)) : Optional.<MediaRange>empty();
            if (hasBody && contentTypes.size() > 1) {
                refuse(request, response, 400, "Send one Content-Type header, not " + contentTypes.size() + ".");
                return;
            }
            if (hasBody && type.isEmpty()) {
                refuse(request, response, 400, "The Content-Type header is not a media type; send, for example,"
                        + " Content-Type: application/json.");
                return;
            }
            if (hasBody && type.get().isJson() && !type.get().isUtf8OrUnlabelled()) {
                refuse(request, response, 415, "JSON must be encoded as UTF-8 (RFC 8259); this body is labelled charset="
                        + type.get().parameters().get("charset") + ". Send it as UTF-8, with no charset or charset=utf-8.");
                return;
            }
            ignoreContentType = !hasBody;
        }
        String accept = null;
        List<String> accepts = Collections.list(request.getHeaders("Accept"));
        if (!accepts.isEmpty()) {
            // several Accept fields are one list (RFC 9110 5.3)
            var ranges = MediaRange.parseAccept(String.join(",", accepts));
            if (ranges.isEmpty()) {
                refuse(request, response, 400, "The Accept header is not a list of media ranges; send, for example,"
                        + " Accept: application/json.");
                return;
            }
            accept = ranges.get().isEmpty() ? null : acceptable(ranges.get());
        }
        chain.doFilter(new Negotiated(request, ignoreContentType, accept), response);
    }

    /** The types Quire produces that the client accepts, as an Accept header Jersey reads the same way. */
    private String acceptable(List<MediaRange> ranges) {
        var types = new StringJoiner(", ");
        for (MediaRange type : produced) {
            int quality = MediaRange.quality(ranges, type);
            if (quality > 0) {
                types.add(quality == 1000 ? type.essence() : type.essence() + ";q=0." + String.format("%03d", quality));
            }
        }
        return types.length() == 0 ? NOTHING_ACCEPTABLE : types.toString();
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String detail)
            throws IOException {
        ProblemMapper.write(response, Problem.of(status, detail, request));
    }

    /** The request as Jersey reads it: its Content-Type left out when ignored, its Accept as negotiated. */
    private static final class Negotiated extends HttpServletRequestWrapper {
        private final boolean ignoreContentType;
        private final String accept;

        Negotiated(HttpServletRequest request, boolean ignoreContentType, String accept) {
            super(request);
            this.ignoreContentType = ignoreContentType;
            this.accept = accept;
        }

        private boolean hidden(String name) {
            return (ignoreContentType && name.equalsIgnoreCase("Content-Type"))
                    || (accept == null && name.equalsIgnoreCase("Accept"));
        }

        @Override
        public String getContentType() {
            return ignoreContentType ? null : super.getContentType();
        }

        @Override
        public String getHeader(String name) {
            if (hidden(name)) {
                return null;
            }
            return name.equalsIgnoreCase("Accept") ? accept : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if (hidden(name)) {
                return Collections.emptyEnumeration();
            }
            return name.equalsIgnoreCase("Accept")
                    ? Collections.enumeration(List.of(accept))
                    : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            var names = Collections.list(super.getHeaderNames());
            names.removeIf(this::hidden);
            if (accept != null && names.stream().noneMatch(name -> name.equalsIgnoreCase("Accept"))) {
                names.add("Accept");
            }
            return Collections.enumeration(names);
        }
    }
}
