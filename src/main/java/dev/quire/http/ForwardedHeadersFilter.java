package dev.quire.http;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Behind a reverse proxy, shows the rest of the chain the request as the client sent it: the client's address
 * ({@code getRemoteAddr}: rate limits, the failed-sign-in limit, the access line) and the scheme, host and port the
 * client addressed ({@code getScheme}, {@code isSecure}, {@code getServerName}, {@code getServerPort},
 * {@code getRequestURL}: Jersey builds its base URI, and so every {@code Location}, from these).
 *
 * <p>Only when the immediate peer is one of {@link TrustedProxies}; from anyone else the forwarded headers are
 * ignored, as they are when no proxy is trusted. What the proxies say is read by {@link ForwardedHeaders}.
 *
 * <p>A trusted proxy that sends a forwarded header Quire cannot read is misconfigured, and the request is refused
 * with a 400 problem naming the header (and a WARN line with its value), rather than served from a guess: ignoring
 * the header would put the proxy's address on the rate limits (one client could spend every client's allowance) and
 * the wrong scheme or host into links, quietly, for every request, where a 400 shows up at the first test.
 */
public final class ForwardedHeadersFilter extends HttpFilter {
    private static final int MAX_LOGGED_VALUE = 200;
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ForwardedHeadersFilter.class);

    private final transient TrustedProxies trusted;

    public ForwardedHeadersFilter(TrustedProxies trusted) {
        this.trusted = trusted;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (trusted.isEmpty() || !trusted.contains(request.getRemoteAddr())) {
            chain.doFilter(request, response);
            return;
        }
        ForwardedHeaders.Report report;
        try {
            report = ForwardedHeaders.read(name -> headers(request, name), trusted);
        } catch (ForwardedHeaders.MalformedHeaderException e) {
            // an error dispatch is already answering a failure (one the container found before the application):
            // it goes on with the proxy's view rather than failing again
            if (request.getDispatcherType() == DispatcherType.ERROR) {
                chain.doFilter(request, response);
                return;
            }
            log.warn("Refused a request from trusted proxy {}: its {} header cannot be read (\"{}\"); check the"
                    + " proxy's configuration", request.getRemoteAddr(), e.header(), logged(request, e.header()));
            ProblemMapper.write(response, Problem.of(400, e.getMessage(), request));
            return;
        }
        if (report.clientAddress().isEmpty() && !report.movesTheRequest()) {
            chain.doFilter(request, response);
            return;
        }
        var client = new ClientRequest(request, report);
        request.setAttribute(AccessLogFilter.CLIENT_ADDRESS_ATTRIBUTE, client.getRemoteAddr());
        chain.doFilter(client, response);
    }

    private static List<String> headers(HttpServletRequest request, String name) {
        var values = request.getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
    }

    private static String logged(HttpServletRequest request, String header) {
        String value = String.join(", ", headers(request, header));
        return value.length() > MAX_LOGGED_VALUE ? value.substring(0, MAX_LOGGED_VALUE) + "..." : value;
    }

    /** The request with the client's address and the scheme, host and port the client used. */
    private static final class ClientRequest extends HttpServletRequestWrapper {
        private final String remoteAddress;
        private final int remotePort;
        private final boolean moved;
        private final String scheme;
        private final String serverName;
        private final int serverPort;

        ClientRequest(HttpServletRequest request, ForwardedHeaders.Report report) {
            super(request);
            this.remoteAddress = report.clientAddress().orElse(request.getRemoteAddr());
            // a proxy's port next to the client's address would be a port of nobody's
            this.remotePort = report.clientAddress().isPresent() ? report.clientPort() : request.getRemotePort();
            this.moved = report.movesTheRequest();
            this.scheme = report.proto().orElse(request.getScheme());
            // without a forwarded host, the Host header the proxy passed on is the client's
            var authority = report.host()
                    .or(() -> headerAuthority(request))
                    .orElseGet(() -> new ForwardedHeaders.Authority(request.getServerName(), -1));
            this.serverName = authority.host();
            // a host without a port means the scheme's default (RFC 9110, 4.2), unless the proxy named a port
            this.serverPort = authority.port() > 0 ? authority.port()
                    : report.port().orElse(scheme.equals("https") ? 443 : 80);
        }

        private static Optional<ForwardedHeaders.Authority> headerAuthority(HttpServletRequest request) {
            String host = request.getHeader("Host");
            return host == null ? Optional.empty() : ForwardedHeaders.authority(host.trim());
        }

        @Override
        public String getRemoteAddr() {
            return remoteAddress;
        }

        @Override
        public String getRemoteHost() {
            return remoteAddress; // as the containers do by default: no reverse lookup
        }

        @Override
        public int getRemotePort() {
            return remotePort;
        }

        @Override
        public String getScheme() {
            return moved ? scheme : super.getScheme();
        }

        @Override
        public boolean isSecure() {
            return moved ? scheme.equals("https") : super.isSecure();
        }

        @Override
        public String getServerName() {
            return moved ? serverName : super.getServerName();
        }

        @Override
        public int getServerPort() {
            return moved ? serverPort : super.getServerPort();
        }

        @Override
        public StringBuffer getRequestURL() {
            if (!moved) {
                return super.getRequestURL();
            }
            var url = new StringBuffer(scheme).append("://").append(serverName);
            if (serverPort != (scheme.equals("https") ? 443 : 80)) {
                url.append(':').append(serverPort);
            }
            return url.append(getRequestURI());
        }
    }
}
