package dev.quire.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The grammar corners of reading forwarded headers, on header values alone (ForwardedHeadersTest sends them over
 * HTTP). The trusted proxies here are 127.0.0.1, 10.0.0.0/8 and fd00::/8.
 */
class ForwardedHeadersReadingTest {
    private static final TrustedProxies TRUSTED = TrustedProxies.parse("127.0.0.1, 10.0.0.0/8, fd00::/8");

    @Test
    void addressesAreWrittenInOneCanonicalForm() throws Exception {
        assertThat(client(Map.of("Forwarded", List.of("for=\"[2001:DB8:0:0::1]\"")))).contains("2001:db8::1");
        assertThat(client(Map.of("X-Forwarded-For", List.of("2001:0db8::0:1")))).contains("2001:db8::1");
        assertThat(client(Map.of("X-Forwarded-For", List.of("[2001:db8::1]:4711")))).contains("2001:db8::1");
        assertThat(client(Map.of("X-Forwarded-For", List.of("::ffff:203.0.113.7")))).contains("203.0.113.7");
        assertThat(client(Map.of("X-Forwarded-For", List.of("203.0.113.7:4711")))).contains("203.0.113.7");
        assertThat(client(Map.of("X-Forwarded-For", List.of("1:0:2:3:4:5:6:7")))).contains("1:0:2:3:4:5:6:7");
    }

    @Test
    void trustedHopsAreSkippedFromTheRightAndAnAllTrustedChainEndsAtItsFirstEntry() throws Exception {
        assertThat(client(Map.of("X-Forwarded-For", List.of("198.51.100.1, 203.0.113.7, fd00::5, 10.9.9.9"))))
                .contains("203.0.113.7");
        assertThat(client(Map.of("Forwarded", List.of("for=10.0.0.1", "for=\"[fd00::2]\"")))).contains("10.0.0.1");
    }

    @Test
    void forwardedReadsQuotedStringsAndCaseInsensitiveNamesAndIgnoresOtherParameters() throws Exception {
        var report = read(Map.of("Forwarded",
                List.of("For=\"203.0.113.7\" ; PROTO=HTTPS;by=_lb;Host=\"api.example.com:8443\";ext=\"a\\\"b,c;d\"")));

        assertThat(report.clientAddress()).contains("203.0.113.7");
        assertThat(report.proto()).contains("https");
        assertThat(report.host()).contains(new ForwardedHeaders.Authority("api.example.com", 8443));
    }

    @Test
    void aForwardedHeaderIsPreferredAndXForwardedIsThenNotReadAtAll() throws Exception {
        var report = read(Map.of("Forwarded", List.of("for=203.0.113.7"), "X-Forwarded-Proto", List.of("gopher"),
                "X-Forwarded-Host", List.of("api.example.com")));

        assertThat(report.clientAddress()).contains("203.0.113.7");
        assertThat(report.proto()).isEmpty();
        assertThat(report.host()).isEmpty();
    }

    @Test
    void xForwardedSchemeHostAndPortAreTheRightMostValues() throws Exception {
        var report = read(Map.of("X-Forwarded-Proto", List.of("http, https"),
                "X-Forwarded-Host", List.of("inner.example", "[2001:db8::1]"), "X-Forwarded-Port", List.of("8443")));

        assertThat(report.proto()).contains("https");
        assertThat(report.host()).contains(new ForwardedHeaders.Authority("[2001:db8::1]", -1));
        assertThat(report.port()).hasValue(8443);
    }

    @Test
    void whatCannotBeReadIsReportedWithItsHeader() {
        for (var bad : List.of(
                Map.of("Forwarded", List.of("for=\"[192.0.2.1]\"")),
                Map.of("Forwarded", List.of("for=010.0.0.1")),
                Map.of("Forwarded", List.of("for=203.0.113.7;host=[::1")),
                Map.of("Forwarded", List.of("for=203.0.113.7:70000")),
                Map.of("Forwarded", List.of("=x")),
                Map.of("Forwarded", List.of("for=\"a\"b")),
                Map.of("X-Forwarded-For", List.of("203.0.113.7%eth0")),
                Map.of("X-Forwarded-For", List.of("example.com")),
                Map.of("X-Forwarded-Host", List.of("a:b:c")),
                Map.of("X-Forwarded-Port", List.of("https")))) {
            String header = bad.keySet().iterator().next();
            assertThatThrownBy(() -> read(bad)).as(bad.toString())
                    .isInstanceOfSatisfying(ForwardedHeaders.MalformedHeaderException.class,
                            e -> assertThat(e.header()).isEqualTo(header));
        }
    }

    @Test
    void nothingToSayIsNothing() throws Exception {
        assertThat(read(Map.of()).clientAddress()).isEmpty();
        assertThat(read(Map.of("Forwarded", List.of(" , ; "))).movesTheRequest()).isFalse();
        assertThat(read(Map.of("X-Forwarded-For", List.of(""), "X-Forwarded-Host", List.of(" "))).host()).isEmpty();
    }

    private static Optional<String> client(Map<String, List<String>> headers) throws Exception {
        return read(headers).clientAddress();
    }

    private static ForwardedHeaders.Report read(Map<String, List<String>> headers) throws Exception {
        return ForwardedHeaders.read(name -> headers.getOrDefault(name, List.of()), TRUSTED);
    }
}
