package dev.quire.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/** Assertions on RFC 9457 problem responses, shared by the API suites. */
public final class Problems {
    private Problems() {}

    /** The response is an application/problem+json with this status, naming the request it answers. */
    public static void assertProblem(Http.Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        assertThat(response.json().path("status").asInt()).isEqualTo(status);
        assertThat(response.json().path("requestId").asText()).isEqualTo(response.requestId());
    }

    /** The fields named by the problem's {@code errors}, in order. */
    public static List<String> errorFields(Http.Response response) {
        var fields = new ArrayList<String>();
        response.json().path("errors").forEach(error -> fields.add(error.path("field").asText()));
        return fields;
    }
}
