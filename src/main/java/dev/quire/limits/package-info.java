/**
 * Token buckets for the limits on requests, sign-ups and failed sign-ins: in this instance's memory (Bucket4j), or
 * in the database, where every instance on it counts against the same buckets. Below every feature: it imports
 * only {@code db} and {@code shared}, and keys reach the database only as hashes.
 */
package dev.quire.limits;
