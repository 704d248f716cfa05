package dev.quire.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a creating {@code POST} whose requests honour {@code Idempotency-Key}: a retry with the same key replays the
 * first answer instead of creating again. Only for routes that answer JSON, and never for one whose answer holds a
 * secret (sign-in's token must not be stored).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Idempotent {}
