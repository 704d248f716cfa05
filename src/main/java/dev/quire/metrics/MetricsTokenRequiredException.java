package dev.quire.metrics;

import dev.quire.shared.DomainException;

/** {@code /metrics} is protected by QUIRE_METRICS_TOKEN, and the request did not carry it. */
final class MetricsTokenRequiredException extends DomainException {
    private static final long serialVersionUID = 1L;

    MetricsTokenRequiredException() {
        super(Kind.UNAUTHENTICATED, "The metrics need Authorization: Bearer <the token set as QUIRE_METRICS_TOKEN>.");
    }
}
