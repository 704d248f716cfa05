package dev.quire.identity;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the resource methods (or whole resources) that need a session: {@link SignedInFilter} answers 401 to a
 * caller without one before the request body is read, so an anonymous caller hears "sign in", not about its JSON.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface SignedIn {}
