/**
 * The filter chain around every request, problem+json for every failure (the problem mapper and the error page),
 * and the Jersey application with its providers. No business rules live here, and nothing here touches a database;
 * it calls features only through their public services (identity, idempotency). Resources never import it: what
 * they use to speak HTTP is in {@code rest}.
 */
package dev.quire.http;
