package dev.quire.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Which API key may call a resource method (or every method of a resource): one that has the named scope, or, with
 * {@link #NONE}, any key (a public read). A method without this annotation, on itself or its class, is refused to
 * every API key (403): a new route is closed to keys until it says otherwise. Sessions are not affected: a signed-in
 * person may do everything their account may.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface KeyScope {
    String TODOS_READ = "todos:read";
    String TODOS_WRITE = "todos:write";
    String BOOKS_WRITE = "books:write";
    String REVIEWS_WRITE = "reviews:write";
    String ACCOUNT_READ = "account:read";
    /** Any key may call the method: it is public, a key is no more than anonymous there. */
    String NONE = "";

    String value();
}
