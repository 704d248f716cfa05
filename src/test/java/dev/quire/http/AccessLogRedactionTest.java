package dev.quire.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The access line keeps the query, but not the values of parameters named like secrets. */
class AccessLogRedactionTest {
    @Test
    void valuesOfSecretLookingParametersAreReplacedAndTheRestIsKept() {
        assertThat(AccessLogFilter.redacted("q=dune&sort=-year&page=3")).isEqualTo("q=dune&sort=-year&page=3");
        assertThat(AccessLogFilter.redacted("access_token=abc.def&q=dune"))
                .isEqualTo("access_token=[redacted]&q=dune");
        assertThat(AccessLogFilter.redacted("q=dune&Password=hunter2&api_key=k&SESSION=s&x=1"))
                .isEqualTo("q=dune&Password=[redacted]&api_key=[redacted]&SESSION=[redacted]&x=1");
        assertThat(AccessLogFilter.redacted("token")).isEqualTo("token");
        assertThat(AccessLogFilter.redacted("token=")).isEqualTo("token=[redacted]");
    }

    @Test
    void aPasswordResetsTokenInItsPathIsRedacted() {
        assertThat(AccessLogFilter.redactedPath("/api/password-resets/Abc_-123"))
                .isEqualTo("/api/password-resets/[redacted]");
        assertThat(AccessLogFilter.redactedPath("/quire/api/password-resets/Abc;x=1/more"))
                .isEqualTo("/quire/api/password-resets/[redacted]/more");
        assertThat(AccessLogFilter.redactedPath("/api/password-resets")).isEqualTo("/api/password-resets");
        assertThat(AccessLogFilter.redactedPath("/api/todos/todo_1")).isEqualTo("/api/todos/todo_1");
    }

    @Test
    void anApiKeyIsReplacedWhateverItsParameterIsCalledAndInPathsAndUserAgents() {
        String key = "quire_pat_Zx9-_abcDEF0123456789abcdefABCDEF0123456789abcdefAB";
        assertThat(AccessLogFilter.redacted("q=" + key + "&page=2")).isEqualTo("q=quire_pat_[redacted]&page=2");
        assertThat(AccessLogFilter.redacted("q=" + key.toUpperCase())).isEqualTo("q=quire_pat_[redacted]");
        assertThat(AccessLogFilter.withoutKeys("/api/todos/" + key)).isEqualTo("/api/todos/quire_pat_[redacted]");
        assertThat(AccessLogFilter.withoutKeys("curl/8 " + key)).isEqualTo("curl/8 quire_pat_[redacted]");
        assertThat(AccessLogFilter.withoutKeys("/api/keys/key_01JD3Q9Z8K4M2N6P7R8S9T0V1W"))
                .isEqualTo("/api/keys/key_01JD3Q9Z8K4M2N6P7R8S9T0V1W");
    }
}
