package dev.quire.shared;

/**
 * A field a patch sets: to a value, or to null to remove it. A patch that leaves the field alone has no Change
 * for it at all (the patch's field is null).
 */
public record Change<T>(T value) {}
