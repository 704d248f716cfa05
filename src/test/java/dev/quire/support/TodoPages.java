package dev.quire.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads a caller's whole todo list through the API, page after page, for tests that count what was stored. */
public final class TodoPages {
    private TodoPages() {}

    /** Every todo of the caller's list, in list order; fails the test if a page is not a 200. */
    public static List<JsonNode> all(Http http, Identities.Caller caller) {
        var todos = new ArrayList<JsonNode>();
        String cursor = null;
        do {
            var page = http.request("GET", "/api/todos?limit=100"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)))
                    .header("Authorization", caller.bearer()).send();
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            page.json().path("items").forEach(todos::add);
            cursor = page.json().path("nextCursor").isTextual() ? page.json().path("nextCursor").asText() : null;
        } while (cursor != null);
        return todos;
    }
}
