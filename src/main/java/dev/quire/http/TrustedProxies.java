package dev.quire.http;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reverse proxies whose forwarded headers Quire believes ({@code QUIRE_TRUSTED_PROXIES}): IPv4 and IPv6
 * addresses and CIDR ranges. None by default: then no forwarded header is read at all.
 */
public final class TrustedProxies {
    private static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

    private final List<Range> ranges;
    private final List<String> written;

    private TrustedProxies(List<Range> ranges, List<String> written) {
        this.ranges = List.copyOf(ranges);
        this.written = List.copyOf(written);
    }

    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * Reads a comma-separated list such as {@code 10.0.0.5, 192.168.0.0/16, fd00::/8}.
     *
     * @throws IllegalArgumentException naming every entry that is not an address or a range
     */
    public static TrustedProxies parse(String list) {
        var ranges = new ArrayList<Range>();
        var written = new ArrayList<String>();
        var problems = new ArrayList<String>();
        for (String part : list.split(",")) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                continue;
            }
            try {
                ranges.add(Range.parse(entry));
                written.add(entry);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return ranges.isEmpty() ? NONE : new TrustedProxies(ranges, written);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    boolean contains(InetAddress address) {
        for (Range range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code address}, as the container or a header writes it, is a trusted proxy's. */
    boolean contains(String address) {
        return parseAddress(address).map(this::contains).orElse(false);
    }

    /** An address as a container reports a peer: a literal, perhaps in brackets (IPv6). */
    static Optional<InetAddress> parseAddress(String address) {
        if (address == null) {
            return Optional.empty();
        }
        boolean bracketed = address.length() > 2 && address.startsWith("[") && address.endsWith("]");
        return IpLiteral.parse(bracketed ? address.substring(1, address.length() - 1) : address);
    }

    @Override
    public String toString() {
        return written.isEmpty() ? "(none)" : String.join(",", written);
    }

    private record Range(byte[] network, int prefixLength) {
        static Range parse(String entry) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            InetAddress parsed = IpLiteral.parse(address).orElseThrow(() -> new IllegalArgumentException(
                    "\"" + entry + "\" is not an IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8"));
            byte[] network = parsed.getAddress();
            int bits = network.length * 8;
            if (slash < 0) {
                return new Range(network, bits);
            }
            String length = entry.substring(slash + 1);
            if (parsed instanceof Inet4Address && address.contains(":")) {
                // Java reads ::ffff:10.0.0.0 as the IPv4 address 10.0.0.0, and compares peers the same way
                throw new IllegalArgumentException("\"" + entry + "\" is an IPv4-mapped range: write it as IPv4");
            }
            if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("\"" + entry + "\" has a prefix length outside 0 to " + bits);
            }
            var range = new Range(network, Integer.parseInt(length));
            // 10.0.0.1/8 is more likely a slip than a way of writing 10.0.0.0/8
            if (!isNetworkAddress(network, range.prefixLength)) {
                throw new IllegalArgumentException("\"" + entry + "\" has bits set after its prefix; did you mean "
                        + IpLiteral.format(range.networkAddress()) + "/" + length + "?");
            }
            return range;
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int full = prefixLength / 8;
            for (int i = 0; i < full; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (bytes[full] & mask) == (network[full] & mask);
        }

        private static boolean isNetworkAddress(byte[] address, int prefixLength) {
            for (int bit = prefixLength; bit < address.length * 8; bit++) {
                if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                    return false;
                }
            }
            return true;
        }

        private InetAddress networkAddress() {
            byte[] masked = network.clone();
            for (int bit = prefixLength; bit < masked.length * 8; bit++) {
                masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            }
            try {
                return InetAddress.getByAddress(masked);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
