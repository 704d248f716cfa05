package dev.quire.events;

import java.time.Instant;

/** An event as it was stored and positioned: {@code position} is its id for clients; {@code data} its JSON. */
public record StoredEvent(long position, String stream, String owner, String type, String resourceId, Long version,
                          String data, Instant createdAt) {}
