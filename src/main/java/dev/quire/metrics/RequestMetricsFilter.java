package dev.quire.metrics;

import dev.quire.rest.AfterResponse;
import dev.quire.rest.ApiPaths;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Times every request by method, route template and status, counts those in flight, and counts the outcomes
 * operators watch: sign-ins refused for bad credentials, requests refused by a rate limit (429), idempotent
 * replays. It sits outside the access log, so it sees the status of every answer, a 500 for an escaped
 * failure included, and it reads them from the exchange itself: the features need not know they are measured.
 */
public final class RequestMetricsFilter extends HttpFilter {
    /** The label of a path in the static web root: one series for all of them. */
    static final String STATIC = "static";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    /** Buckets from a cache hit to a slow sign-in; the 10 s bucket is the request that should have timed out. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10)};
    private static final String SIGN_IN_ROUTE = "/api/sessions";
    private static final long serialVersionUID = 1L;

    private record Series(String method, String route, int status) {}

    private final transient MeterRegistry registry;
    private final transient RouteTemplates routes;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Meters by label set: looked up once per series rather than built for every request. */
    private final transient Map<Series, Timer> timers = new ConcurrentHashMap<>();
    private final transient Map<String, Counter> rateLimited = new ConcurrentHashMap<>();
    private final transient Map<String, Counter> replays = new ConcurrentHashMap<>();
    private final transient Counter signInFailures;

    public RequestMetricsFilter(MeterRegistry registry, RouteTemplates routes) {
        this.registry = registry;
        this.routes = routes;
        Gauge.builder("http.server.requests.in.flight", inFlight, AtomicInteger::get)
                .description("Requests being answered now").register(registry);
        this.signInFailures = Counter.builder("quire.signin.failures")
                .description("Sign-ins refused for a wrong email or password (401)").register(registry);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long started = System.nanoTime();
        inFlight.incrementAndGet();
        try {
            chain.doFilter(request, response);
        } finally {
            Runnable done = () -> {
                inFlight.decrementAndGet();
                record(request, response, System.nanoTime() - started);
            };
            // a response that goes on after the chain returns (an event stream) is counted when it ends
            AfterResponse.run(request, done);
        }
    }

    private void record(HttpServletRequest request, HttpServletResponse response, long nanos) {
        String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "other";
        String route = ApiPaths.isJersey(request) ? routes.match(ApiPaths.path(request)) : STATIC;
        int status = response.getStatus();
        timers.computeIfAbsent(new Series(method, route, status), this::timer).record(nanos, TimeUnit.NANOSECONDS);
        if (status == 401 && method.equals("POST") && route.equals(SIGN_IN_ROUTE)) {
            signInFailures.increment();
        }
        if (status == 429) {
            rateLimited.computeIfAbsent(route, r -> Counter.builder("quire.rate.limited.requests")
                    .description("Requests refused with 429 by a rate limit").tag("route", r).register(registry))
                    .increment();
        }
        if ("true".equals(response.getHeader("Idempotent-Replayed"))) {
            replays.computeIfAbsent(route, r -> Counter.builder("quire.idempotent.replays")
                    .description("Requests answered by replaying the first answer to their Idempotency-Key")
                    .tag("route", r).register(registry)).increment();
        }
    }

    private Timer timer(Series series) {
        return Timer.builder("http.server.requests")
                .description("Requests by method, route template and status, from the first filter to the last byte")
                .tag("method", series.method())
                .tag("route", series.route())
                .tag("status", Integer.toString(series.status()))
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }
}
