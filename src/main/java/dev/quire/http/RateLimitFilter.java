package dev.quire.http;

import dev.quire.rest.ApiPaths;
import dev.quire.shared.DomainException;
import dev.quire.shared.TooManyRequestsException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Request limits on the API (/api), answered with 429 problem+json, {@code Retry-After} and the IETF
 * {@code RateLimit-Policy} and {@code RateLimit} headers (draft-ietf-httpapi-ratelimit-headers), which every
 * answer under /api carries. It runs twice in the chain: before authentication, per client address (so a flood of
 * made-up tokens is refused before each costs a database lookup) and, for sign-ups, a stricter limit per address;
 * and after it, per account (so one account cannot use many addresses' allowances). The sign-in limit on failed
 * passwords is the identity service's own. A limiter whose store failed (the database holding the sign-up limit is
 * unreachable) refuses with that failure's problem (503): the limit is never skipped.
 */
public final class RateLimitFilter extends HttpFilter {
    static final String POLICY_HEADER = "RateLimit-Policy";
    static final String STATE_HEADER = "RateLimit";
    private static final String SIGN_UP_PATH = "/api/accounts";
    private static final long serialVersionUID = 1L;

    private final transient RateLimiter general;
    private final transient RateLimiter signUps;
    private final boolean perAccount;

    private RateLimitFilter(RateLimiter general, RateLimiter signUps, boolean perAccount) {
        this.general = general;
        this.signUps = signUps;
        this.perAccount = perAccount;
    }

    /**
     * The limits per client address: every request to the API ({@code general}), and sign-ups
     * ({@code POST /api/accounts}).
     */
    public static RateLimitFilter perAddress(RateLimiter general, RateLimiter signUps) {
        return new RateLimitFilter(general, signUps, false);
    }

    /** The limit per signed-in account; goes after the filter that authenticates. */
    public static RateLimitFilter perAccount(RateLimiter general) {
        return new RateLimitFilter(general, null, true);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!ApiPaths.isUnderApi(request) || request.getMethod().equals("OPTIONS")) {
            chain.doFilter(request, response);
            return;
        }
        var verdicts = new ArrayList<RateLimiter.Verdict>(2);
        try {
            if (perAccount) {
                Object account = request.getAttribute(AccessLogFilter.ACCOUNT_ID_ATTRIBUTE);
                if (account != null && !general.isOff()) {
                    verdicts.add(general.take(account.toString()));
                }
            } else {
                if (!general.isOff()) {
                    verdicts.add(general.take(request.getRemoteAddr()));
                }
                if (request.getMethod().equals("POST") && ApiPaths.path(request).equals(SIGN_UP_PATH)) {
                    verdicts.add(signUps.take(request.getRemoteAddr()));
                }
            }
        } catch (DomainException unavailable) {
            ProblemMapper.write(response, request, unavailable);
            return;
        }
        if (verdicts.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        describe(response, verdicts);
        var refused = verdicts.stream().filter(verdict -> !verdict.allowed()).findFirst();
        if (refused.isPresent()) {
            ProblemMapper.write(response, request, new TooManyRequestsException("Too many requests " + scope(
                    refused.get().policy()) + ": at most " + refused.get().policy().perMinute()
                    + " a minute. Wait before trying again.", Duration.ofSeconds(refused.get().secondsToWait())));
            return;
        }
        chain.doFilter(request, response);
    }

    /** Adds this filter's policies and their state to what an earlier pass of it wrote. */
    private static void describe(HttpServletResponse response, List<RateLimiter.Verdict> verdicts) {
        var policies = new ArrayList<String>();
        var states = new ArrayList<String>();
        for (var verdict : verdicts) {
            policies.add(verdict.policy().header());
            states.add(verdict.header());
        }
        append(response, POLICY_HEADER, String.join(", ", policies));
        append(response, STATE_HEADER, String.join(", ", states));
    }

    private static void append(HttpServletResponse response, String name, String value) {
        String earlier = response.getHeader(name);
        response.setHeader(name, earlier == null ? value : earlier + ", " + value);
    }

    private static String scope(RateLimiter.Policy policy) {
        return switch (policy.name()) {
            case "account" -> "from this account";
            case "sign-up" -> "creating accounts from this address";
            default -> "from this address";
        };
    }
}
