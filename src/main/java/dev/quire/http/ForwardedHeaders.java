package dev.quire.http;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads what trusted reverse proxies say about a request: RFC 7239 {@code Forwarded} when the request has one,
 * else the de-facto {@code X-Forwarded-For}, {@code -Proto}, {@code -Host} and {@code -Port}; never a mix of the
 * two. Only called for a request whose immediate peer is a trusted proxy.
 *
 * <p>Each proxy appends the address it received the request from, so the list is read from the right: the
 * client is the right-most address that is not itself a trusted proxy. Everything left of it was written by the
 * client or by proxies nobody vouches for, and is never used. An entry that says nothing usable about its sender
 * ({@code unknown}, an obfuscated {@code _name}, an element without {@code for=}) ends the walk too, and the
 * request counts as coming from the trusted proxy that wrote it: anonymous clients then share that proxy's
 * allowances, as all clients did before any forwarded header was read, rather than each getting a fresh one.
 *
 * <p>A value this reading depends on that is not well formed was written by a proxy the operator trusts: that is
 * a misconfiguration, reported as {@link MalformedHeaderException}.
 */
final class ForwardedHeaders {
    static final String FORWARDED = "Forwarded";
    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    static final String X_FORWARDED_HOST = "X-Forwarded-Host";
    static final String X_FORWARDED_PORT = "X-Forwarded-Port";

    private static final Pattern REG_NAME_OR_IPV4 = Pattern.compile("[A-Za-z0-9._~-]{1,253}");
    private static final Pattern OBFUSCATED = Pattern.compile("_[A-Za-z0-9._-]+");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    private ForwardedHeaders() {}

    /** A host as a URI authority writes it (an IPv6 address in brackets), and its port or -1 if none was given. */
    record Authority(String host, int port) {}

    /**
     * What the proxies reported; each part is empty when they said nothing about it.
     *
     * @param clientAddress the client's address in canonical form
     * @param clientPort the client's port, 0 when not reported
     * @param port the port from {@code X-Forwarded-Port}, used when the host names none
     */
    record Report(Optional<String> clientAddress, int clientPort, Optional<String> proto, Optional<Authority> host,
            OptionalInt port) {
        static final Report NOTHING = new Report(Optional.empty(), 0, Optional.empty(), Optional.empty(),
                OptionalInt.empty());

        boolean movesTheRequest() {
            return proto.isPresent() || host.isPresent() || port.isPresent();
        }
    }

    /** A forwarded header from a trusted proxy that cannot be read; {@code detail} may be shown to the caller. */
    static final class MalformedHeaderException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String header;

        MalformedHeaderException(String header, String problem) {
            super("The reverse proxy in front of Quire sent " + (header.startsWith("X") ? "an " : "a ")
                    + header + " header that cannot be read: " + problem + ".", null, false, false);
            this.header = header;
        }

        String header() {
            return header;
        }
    }

    /**
     * @param headers every value of a request header, in order, by name (an empty list if absent)
     * @throws MalformedHeaderException when a value the answer depends on is not well formed
     */
    static Report read(Function<String, List<String>> headers, TrustedProxies trusted)
            throws MalformedHeaderException {
        List<String> forwarded = headers.apply(FORWARDED);
        if (!String.join("", forwarded).isBlank()) {
            return fromForwarded(String.join(",", forwarded), trusted);
        }
        return fromXForwarded(headers, trusted);
    }

    /**
     * The scheme and host come from the same element as the client's address: the one written by the proxy that
     * received the client's request. A proxy further in adds its own view (its {@code proto=} is the scheme of the
     * hop between two proxies), which is not the address the client knows Quire by.
     */
    private static Report fromForwarded(String value, TrustedProxies trusted) throws MalformedHeaderException {
        List<Map<String, String>> elements = parseElements(value);
        if (elements.isEmpty()) {
            return Report.NOTHING;
        }
        Node client = null;
        Map<String, String> element = null;
        for (int i = elements.size() - 1; i >= 0; i--) {
            element = elements.get(i);
            String node = element.get("for");
            Node sender = node == null ? Node.UNKNOWN : forwardedNode(node);
            if (sender.address() == null) {
                break;
            }
            client = sender;
            if (!trusted.contains(sender.address())) {
                break;
            }
        }
        Optional<String> proto = element.containsKey("proto")
                ? Optional.of(proto(FORWARDED, "its proto= must be http or https", element.get("proto")))
                : Optional.empty();
        Optional<Authority> host = element.containsKey("host")
                ? Optional.of(authority(element.get("host")).orElseThrow(() -> new MalformedHeaderException(FORWARDED,
                        "its host= is not a host name or address with an optional port")))
                : Optional.empty();
        return new Report(client == null ? Optional.empty() : Optional.of(IpLiteral.format(client.address())),
                client == null ? 0 : client.port(), proto, host, OptionalInt.empty());
    }

    /**
     * The address is walked as above. The scheme, host and port are each one value, the right-most: the proxy
     * nearest Quire sets them (or passes on what a proxy before it set), while an appended list has no link to the
     * entries of X-Forwarded-For that would say which proxy saw what.
     */
    private static Report fromXForwarded(Function<String, List<String>> headers, TrustedProxies trusted)
            throws MalformedHeaderException {
        List<String> chain = listOf(headers.apply(X_FORWARDED_FOR));
        Node client = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            Node sender = forwardedForEntry(chain.get(i));
            if (sender.address() == null) {
                break;
            }
            client = sender;
            if (!trusted.contains(sender.address())) {
                break;
            }
        }
        Optional<String> proto = last(headers.apply(X_FORWARDED_PROTO));
        if (proto.isPresent()) {
            proto = Optional.of(proto(X_FORWARDED_PROTO, "it must be http or https", proto.get()));
        }
        Optional<String> hostValue = last(headers.apply(X_FORWARDED_HOST));
        Optional<Authority> host = Optional.empty();
        if (hostValue.isPresent()) {
            host = Optional.of(authority(hostValue.get()).orElseThrow(() -> new MalformedHeaderException(
                    X_FORWARDED_HOST, "it is not a host name or address with an optional port")));
        }
        Optional<String> portValue = last(headers.apply(X_FORWARDED_PORT));
        OptionalInt port = OptionalInt.empty();
        if (portValue.isPresent()) {
            int number = port(portValue.get());
            if (number < 0) {
                throw new MalformedHeaderException(X_FORWARDED_PORT, "it must be a port number from 1 to 65535");
            }
            port = OptionalInt.of(number);
        }
        return new Report(client == null ? Optional.empty() : Optional.of(IpLiteral.format(client.address())),
                client == null ? 0 : client.port(), proto, host, port);
    }

    /** An address and port a proxy reported; a null address when it reported none ({@code unknown}, obfuscated). */
    private record Node(InetAddress address, int port) {
        static final Node UNKNOWN = new Node(null, 0);
    }

    /** RFC 7239's node: {@code 192.0.2.43}, {@code "[2001:db8::1]:4711"}, {@code unknown}, {@code _hidden:_port}. */
    private static Node forwardedNode(String node) throws MalformedHeaderException {
        var problem = new MalformedHeaderException(FORWARDED,
                "its for= is not an IP address (IPv6 in brackets), unknown or an obfuscated identifier, with an"
                        + " optional port");
        String name = node;
        String portText = null;
        int close = node.indexOf(']');
        int colon = close >= 0 ? node.indexOf(':', close) : node.indexOf(':');
        if (colon >= 0) {
            if (close < 0 && node.indexOf(':', colon + 1) >= 0) {
                throw problem; // an IPv6 address without brackets: where would its port start?
            }
            name = node.substring(0, colon);
            portText = node.substring(colon + 1);
        }
        int port = 0;
        if (portText != null) {
            if (OBFUSCATED.matcher(portText).matches()) {
                port = 0;
            } else if ((port = port(portText)) < 0) {
                throw problem;
            }
        }
        if (name.equalsIgnoreCase("unknown") || OBFUSCATED.matcher(name).matches()) {
            return Node.UNKNOWN;
        }
        InetAddress address = address(name).orElseThrow(() -> problem);
        return new Node(address, port);
    }

    /** An X-Forwarded-For entry: an address, perhaps with a port ({@code 192.0.2.43:4711}, {@code [::1]:80}). */
    private static Node forwardedForEntry(String entry) throws MalformedHeaderException {
        if (entry.equalsIgnoreCase("unknown")) {
            return Node.UNKNOWN;
        }
        var problem = new MalformedHeaderException(X_FORWARDED_FOR,
                "an entry is not an IP address with an optional port");
        int close = entry.indexOf(']');
        int colon = close >= 0 ? entry.indexOf(':', close) : entry.indexOf(':');
        boolean bareIpv6 = close < 0 && colon >= 0 && entry.indexOf(':', colon + 1) >= 0;
        if (colon < 0 || bareIpv6) {
            return new Node(address(entry).orElseThrow(() -> problem), 0);
        }
        int port = port(entry.substring(colon + 1));
        if (port < 0) {
            throw problem;
        }
        return new Node(address(entry.substring(0, colon)).orElseThrow(() -> problem), port);
    }

    /** An address: IPv4, IPv6 in brackets, or (where there is no port to confuse it with) bare IPv6. */
    private static Optional<InetAddress> address(String text) {
        if (text.startsWith("[") && text.endsWith("]")) {
            String inner = text.substring(1, text.length() - 1);
            // brackets hold IPv6 only ("[192.0.2.1]" is no address), though ::ffff:192.0.2.1 reads as IPv4
            return inner.contains(":") ? IpLiteral.parse(inner) : Optional.empty();
        }
        return IpLiteral.parse(text);
    }

    /** A URI authority without user info: {@code api.example.com}, {@code 192.0.2.1:8443}, {@code [2001:db8::1]}. */
    static Optional<Authority> authority(String text) {
        String host;
        String rest;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = text.substring(0, close + 1);
            rest = text.substring(close + 1);
            if (address(host).isEmpty()) {
                return Optional.empty();
            }
        } else {
            int colon = text.indexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            rest = colon < 0 ? "" : text.substring(colon);
            if (!REG_NAME_OR_IPV4.matcher(host).matches()) {
                return Optional.empty();
            }
        }
        if (rest.isEmpty()) {
            return Optional.of(new Authority(host, -1));
        }
        int port = rest.startsWith(":") ? port(rest.substring(1)) : -1;
        return port < 0 ? Optional.empty() : Optional.of(new Authority(host, port));
    }

    private static String proto(String header, String problem, String value) throws MalformedHeaderException {
        String scheme = value.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new MalformedHeaderException(header, problem);
        }
        return scheme;
    }

    /** 1 to 65535, or -1. */
    private static int port(String text) {
        if (!PORT.matcher(text).matches()) {
            return -1;
        }
        int port = Integer.parseInt(text);
        return port >= 1 && port <= 65535 ? port : -1;
    }

    /** The comma-separated entries of every line of a header, in order, without empty ones. */
    private static List<String> listOf(List<String> lines) {
        var entries = new ArrayList<String>();
        for (String line : lines) {
            for (String entry : line.split(",")) {
                if (!entry.isBlank()) {
                    entries.add(entry.trim());
                }
            }
        }
        return entries;
    }

    private static Optional<String> last(List<String> lines) {
        List<String> entries = listOf(lines);
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }

    /**
     * RFC 7239's {@code Forwarded} as elements (separated by commas) of parameters (separated by semicolons), each
     * {@code name=value} with a token or quoted-string value; names in lower case. Lenient in one way: a value that
     * should have been quoted ({@code for=[::1]:80}) is read up to the next delimiter.
     */
    static List<Map<String, String>> parseElements(String value) throws MalformedHeaderException {
        var problem = new MalformedHeaderException(FORWARDED,
                "it is not a list of name=value parameters as RFC 7239 defines");
        var elements = new ArrayList<Map<String, String>>();
        var element = new LinkedHashMap<String, String>();
        int i = 0;
        int n = value.length();
        while (true) {
            i = skipSpace(value, i);
            if (i >= n) {
                break;
            }
            char c = value.charAt(i);
            if (c == ',' || c == ';') {
                if (c == ',' && !element.isEmpty()) {
                    elements.add(element);
                    element = new LinkedHashMap<>();
                }
                i++;
                continue;
            }
            int start = i;
            while (i < n && isTokenChar(value.charAt(i))) {
                i++;
            }
            if (i == start || i >= n || value.charAt(i) != '=') {
                throw problem;
            }
            String name = value.substring(start, i).toLowerCase(Locale.ROOT);
            i++;
            var text = new StringBuilder();
            if (i < n && value.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n && !closed) {
                    char q = value.charAt(i++);
                    if (q == '\\' && i < n) {
                        text.append(value.charAt(i++));
                    } else if (q == '"') {
                        closed = true;
                    } else if (q < 0x20 && q != '\t' || q == 0x7f) {
                        throw problem;
                    } else {
                        text.append(q);
                    }
                }
                if (!closed) {
                    throw problem;
                }
            } else {
                while (i < n && !isDelimiter(value.charAt(i))) {
                    text.append(value.charAt(i++));
                }
                if (text.length() == 0) {
                    throw problem;
                }
            }
            // "each parameter MUST NOT occur more than once per forwarded-element" (RFC 7239, section 4)
            if (element.putIfAbsent(name, text.toString()) != null) {
                throw problem;
            }
            i = skipSpace(value, i);
            if (i < n && value.charAt(i) != ',' && value.charAt(i) != ';') {
                throw problem;
            }
        }
        if (!element.isEmpty()) {
            elements.add(element);
        }
        return elements;
    }

    private static int skipSpace(String value, int i) {
        while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isDelimiter(char c) {
        return c == ',' || c == ';' || c == '"' || c == ' ' || c == '\t' || c < 0x20 || c == 0x7f;
    }
}
