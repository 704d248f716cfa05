package dev.quire.idempotency;

import java.util.Map;

/** What a replay sends again: the first response's status, the headers that describe it, and its body. */
public record StoredResponse(int status, Map<String, String> headers, String body) {
    public StoredResponse {
        headers = Map.copyOf(headers);
    }
}
