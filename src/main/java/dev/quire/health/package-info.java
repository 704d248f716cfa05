/**
 * Liveness and readiness probes. Owns no data and touches the database only through a connection check;
 * the readiness answer must stay fast and bounded even while the database hangs.
 */
package dev.quire.health;
