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
}
