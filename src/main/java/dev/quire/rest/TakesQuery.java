package dev.quire.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method under /api that reads query parameters, through {@link QueryParameters}, which refuses
 * the ones it does not take. Every other method under /api takes none: the filter chain refuses a request to it
 * that has any, rather than ignore them.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface TakesQuery {}
