package dev.quire.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Which peers {@code QUIRE_TRUSTED_PROXIES} covers, and what it refuses to read. */
class TrustedProxiesTest {
    @Test
    void addressesAndRangesOfBothFamiliesMatchExactlyTheirOwnAddresses() {
        var trusted = TrustedProxies.parse(" 192.0.2.10 , 10.0.0.0/8, 172.16.0.0/12, 2001:db8:1::/48, ::1 ");

        assertThat(trusted.contains("192.0.2.10")).isTrue();
        assertThat(trusted.contains("192.0.2.11")).isFalse();
        assertThat(trusted.contains("10.255.255.255")).isTrue();
        assertThat(trusted.contains("11.0.0.0")).isFalse();
        assertThat(trusted.contains("172.31.255.255")).isTrue();
        assertThat(trusted.contains("172.32.0.0")).isFalse();
        assertThat(trusted.contains("2001:db8:1:ffff::1")).isTrue();
        assertThat(trusted.contains("2001:db8:2::1")).isFalse();
        // as containers report peers: Tomcat's long IPv6 form, brackets, an IPv4-mapped IPv6 address
        assertThat(trusted.contains("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(trusted.contains("[::1]")).isTrue();
        assertThat(trusted.contains("::ffff:10.1.2.3")).isTrue();
        assertThat(trusted.contains("localhost")).isFalse();
        assertThat(trusted.contains("")).isFalse();
    }

    @Test
    void zeroLengthPrefixesTrustAWholeFamilyAndOnlyThat() {
        var everyIpv4 = TrustedProxies.parse("0.0.0.0/0");

        assertThat(everyIpv4.contains("203.0.113.7")).isTrue();
        assertThat(everyIpv4.contains("2001:db8::1")).isFalse();
    }

    @Test
    void nothingListedIsNone() {
        assertThat(TrustedProxies.parse(" , ").isEmpty()).isTrue();
        assertThat(TrustedProxies.none().contains("127.0.0.1")).isFalse();
    }

    @Test
    void everyBadEntryIsNamedAtOnce() {
        assertThatThrownBy(() -> TrustedProxies.parse(
                "10.0.0.5, proxy.internal, 10.0.0.1/8, 192.168.0.0/33, 010.0.0.1, fe80::1%eth0, *, ::ffff:10.0.0.0/104"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("\"proxy.internal\" is not an IP address",
                        "\"10.0.0.1/8\" has bits set after its prefix; did you mean 10.0.0.0/8?",
                        "\"192.168.0.0/33\" has a prefix length outside 0 to 32", "\"010.0.0.1\"", "\"fe80::1%eth0\"",
                        "\"*\"", "\"::ffff:10.0.0.0/104\" is an IPv4-mapped range")
                .hasMessageNotContaining("10.0.0.5");
    }
}
