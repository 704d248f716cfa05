/**
 * What Quire tells Prometheus: one registry per deployment, the request and database timings that feed it, and
 * {@code GET /metrics}. It observes the other features from the outside (requests, the connection pool, JDBC
 * statements) and never reaches into their services or stores.
 */
package dev.quire.metrics;
