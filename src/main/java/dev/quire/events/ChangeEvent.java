package dev.quire.events;

/**
 * A change as its event: which stream it belongs to, whose it is (null: everyone's), its type
 * ({@code todo.updated}), the resource and its version after the change, and what a client needs to know of it
 * (serialised as JSON when it is written).
 */
public record ChangeEvent(String stream, String owner, String type, String resourceId, Long version, Object payload) {}
