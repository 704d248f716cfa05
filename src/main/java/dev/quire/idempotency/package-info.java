/**
 * Idempotency keys: a POST carrying {@code Idempotency-Key} runs once per key and account; a retry gets the
 * first response again. Owns the idempotency_keys table. Knows nothing of the resources it protects: the HTTP
 * filter hands it fingerprints of requests and copies of responses.
 */
package dev.quire.idempotency;
