package dev.quire;

import dev.quire.books.BookResource;
import dev.quire.books.BookSearchEngines;
import dev.quire.books.BookService;
import dev.quire.books.GenreResource;
import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.docs.ApiRootResource;
import dev.quire.events.EventHub;
import dev.quire.events.EventLog;
import dev.quire.events.EventStreams;
import dev.quire.events.NotificationListener;
import dev.quire.events.Outbox;
import dev.quire.docs.DocsResource;
import dev.quire.docs.OpenApiResource;
import dev.quire.health.DatabaseProbe;
import dev.quire.health.HealthResource;
import dev.quire.http.AccessLogFilter;
import dev.quire.http.ApiApplication;
import dev.quire.http.AuthTokenFilter;
import dev.quire.http.BodyLimitFilter;
import dev.quire.http.CorsFilter;
import dev.quire.http.ErrorPageServlet;
import dev.quire.http.EventStreamServlet;
import dev.quire.http.ForwardedHeadersFilter;
import dev.quire.http.IdempotencyFilter;
import dev.quire.http.MediaTypeFilter;
import dev.quire.http.RateLimitFilter;
import dev.quire.http.RateLimiter;
import dev.quire.http.RequestIdFilter;
import dev.quire.http.SecurityHeadersFilter;
import dev.quire.http.WebRootFilter;
import dev.quire.idempotency.IdempotencyService;
import dev.quire.identity.ApiKeyResource;
import dev.quire.identity.IdentityResource;
import dev.quire.identity.KeyScopeFilter;
import dev.quire.identity.IdentityService;
import dev.quire.identity.IdentitySettings.HashCost;
import dev.quire.identity.IdentitySettings;
import dev.quire.identity.SignedInFilter;
import dev.quire.limits.BucketStore;
import dev.quire.limits.InMemoryBucketStore;
import dev.quire.limits.JdbcBucketStore;
import dev.quire.mail.MailLinks;
import dev.quire.mail.MailOutbox;
import dev.quire.mail.MailSender;
import dev.quire.mail.MailSettings;
import dev.quire.metrics.Metrics;
import dev.quire.metrics.MetricsResource;
import dev.quire.metrics.QueryTimings;
import dev.quire.metrics.RequestMetricsFilter;
import dev.quire.metrics.RouteTemplates;
import dev.quire.todos.TodoResource;
import dev.quire.todos.TodoService;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root, and the only thing web.xml declares: configuration, then the database, then the
 * services, then the filter chain and Jersey, registered in code in one fixed order so that every container
 * and the test server run the identical chain. Everything it starts, it stops when the application stops.
 */
public final class AppBootstrap implements ServletContextListener {
    /**
     * Context attribute through which a test server supplies a {@code Map<String, String>} of {@code QUIRE_*}
     * settings in place of the environment, so tests never depend on the shell they run in.
     */
    public static final String SETTINGS_ATTRIBUTE = "dev.quire.settings";
    /** Context attribute through which a test server adds resources (a collection of instances or classes). */
    public static final String EXTRA_RESOURCES_ATTRIBUTE = "dev.quire.extraResources";
    /**
     * Context attribute through which a test server lowers the Argon2id cost ("memoryKib,iterations,parallelism")
     * so suites that sign up hundreds of accounts stay fast. No setting reaches it: production always hashes at
     * {@link HashCost#OWASP} or more.
     */
    public static final String TEST_HASH_COST_ATTRIBUTE = "dev.quire.test.hashCost";

    /**
     * Context attribute through which a test server shortens the event streams' heartbeat (a duration such as
     * "PT1S"), so that a stream of an ended session is seen to end without waiting 15 s. No setting reaches it.
     */
    public static final String TEST_EVENT_HEARTBEAT_ATTRIBUTE = "dev.quire.test.eventHeartbeat";
    /**
     * Context attribute through which a test server shortens the mail sender's poll and retry waits (a duration such
     * as "PT0.2S": the poll and the first retry; retries back off to four times it), so that a test of retries does
     * not wait minutes. No setting reaches it.
     */
    public static final String TEST_MAIL_RETRY_ATTRIBUTE = "dev.quire.test.mailRetry";
    /** How often an instance looks for change events without being woken. */
    private static final Duration EVENT_POLL = Duration.ofSeconds(2);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(AppBootstrap.class);

    /** What has been started, to be stopped in reverse order. Touched only by the container's lifecycle thread. */
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        try {
            start(context);
        } catch (ConfigException e) {
            log.error(e.getMessage());
            stopAll();
            throw e;
        } catch (RuntimeException e) {
            log.error("Quire cannot start", e);
            stopAll();
            // logged above with its stack trace; the container gets one line
            throw new StartupException("Quire cannot start: " + causes(e));
        }
    }

    private void start(ServletContext context) {
        AppConfig config = readConfig(context);
        AppLogging.use(config.logFormat());
        started.push(AppLogging.bridgeJersey());

        var metrics = new Metrics();
        started.push(metrics);
        var database = Database.open(config.database(), metrics.registry());
        started.push(database);
        var databaseProbe = new DatabaseProbe(database.dataSource(), Duration.ofSeconds(1));
        started.push(databaseProbe);
        var jdbc = new Jdbc(database.dataSource(), new QueryTimings(metrics.registry()));

        var limits = limits(config, jdbc);

        // change events: written with each change, positioned and handed out by this instance's hub, which other
        // instances wake through PostgreSQL's NOTIFY (and a poll, which loses nothing a lost wake-up would)
        var settings = config.database();
        var eventLog = new EventLog(jdbc, Clock.systemUTC(), config.eventRetention(), !settings.isH2());
        var hub = new EventHub(eventLog, EVENT_POLL, purgeInterval(config.eventRetention()));
        started.push(hub);
        if (!settings.isH2()) {
            started.push(new NotificationListener(settings.url(), settings.user(), settings.password(), hub));
        }
        var outbox = new Outbox(eventLog, hub::written);
        var streams = new EventStreams(eventLog, hub, config.streamsPerAccount(), config.streamsPerInstance(),
                heartbeat(context), metrics.registry());
        started.push(streams);

        // mail.outbox() and mail.links() are for the services whose changes send mail
        var mail = mail(context, config.mail(), database, metrics);
        // after the sender: stopped before it, so the reset requests it finishes still queue their mails
        var identity = IdentityService.withJdbc(jdbc,
                new IdentitySettings(config.sessionTtl(), config.signInLimit(), hashCost(context),
                        config.requireVerifiedEmail(), config.mailLimit()),
                limits.shared(), mail.outbox(), mail.links()::link);
        started.push(identity);

        var search = BookSearchEngines.open(jdbc, settings);
        started.push(search);
        var books = BookService.withJdbc(jdbc, outbox, search);
        if (config.demoData()) {
            int added = books.addDemoCatalogue();
            if (added > 0) {
                log.info("Added {} books of the demo catalogue (QUIRE_DEMO_DATA)", added);
            }
        }

        String version = version();
        var resources = new ArrayList<Object>(List.of(
                new ApiRootResource(version),
                new HealthResource(databaseProbe),
                new IdentityResource(identity),
                new SignedInFilter(),
                new KeyScopeFilter(),
                new ApiKeyResource(identity),
                new TodoResource(TodoService.withJdbc(jdbc, outbox)),
                new BookResource(books),
                new GenreResource(books),
                new OpenApiResource(version, context.getContextPath()),
                new DocsResource(),
                new MetricsResource(metrics, config.metricsTokenIfSet())));
        resources.addAll(extraResources(context));
        var idempotency = IdempotencyService.withJdbc(jdbc);
        var requestMetrics = new RequestMetricsFilter(metrics.registry(),
                RouteTemplates.of(resources, EventStreamServlet.PATHS));
        registerChain(context, config, limits, identity, idempotency, requestMetrics, new ApiApplication(resources));
        var events = context.addServlet("events", new EventStreamServlet(streams));
        events.setAsyncSupported(true);
        events.addMapping(EventStreamServlet.PATHS.toArray(String[]::new));
        log.info("Quire {} started at context path '{}'", version, context.getContextPath());
    }

    /**
     * The middleware chain, outermost first. Jersey serves only the API paths; the container serves webapp/.
     * The filters that shape every response's headers also run when the container renders its error page.
     */
    private static void registerChain(ServletContext context, AppConfig config, Limits limits,
            IdentityService identity, IdempotencyService idempotency, RequestMetricsFilter requestMetrics,
            ApiApplication api) {
        var requests = EnumSet.of(DispatcherType.REQUEST);
        var requestsAndErrors = EnumSet.of(DispatcherType.REQUEST, DispatcherType.ERROR);
        addFilter(context, "requestId", new RequestIdFilter(), requestsAndErrors);
        // outside the access log, which turns an escaped failure into the 500 that is then counted
        addFilter(context, "metrics", requestMetrics, requests);
        addFilter(context, "accessLog", new AccessLogFilter(), requestsAndErrors);
        addFilter(context, "securityHeaders", new SecurityHeadersFilter(), requestsAndErrors);
        // inside the request id, the access log and the security headers, so that a request refused for a forwarded
        // header it cannot read still has its id, its access line and a complete problem answer (the access line
        // learns the client's address from it through a request attribute); ahead of everything that looks at the
        // client (CORS preflights' access lines, the rate limits, the sign-in limit) or builds a URI (Jersey)
        addFilter(context, "forwardedHeaders", new ForwardedHeadersFilter(config.trustedProxies()), requestsAndErrors);
        addFilter(context, "cors", new CorsFilter(config.corsOrigins()), requestsAndErrors);
        // per address before authentication: made-up tokens are refused before each costs a database lookup
        addFilter(context, "rateLimitPerAddress", RateLimitFilter.perAddress(
                new RateLimiter("address", config.rateLimit(), limits.perInstance()),
                new RateLimiter("sign-up", config.signUpLimit(), limits.shared())), requests);
        addFilter(context, "bodyLimit", new BodyLimitFilter(config.maxBodyBytes()), requests);
        var produced = new ArrayList<>(api.producedTypes());
        produced.add(EventStreamServlet.MEDIA_TYPE);
        addFilter(context, "mediaTypes", new MediaTypeFilter(produced), requests);
        addFilter(context, "authToken", new AuthTokenFilter(identity), requests);
        addFilter(context, "rateLimitPerAccount", RateLimitFilter.perAccount(
                new RateLimiter("account", config.rateLimit(), limits.perInstance())), requests);
        // the creating POSTs marked @Idempotent
        addFilter(context, "idempotency", new IdempotencyFilter(idempotency, api.idempotentRoutes()), requests);
        addFilter(context, "webRoot", new WebRootFilter(), requests);
        // Jersey as the chain's last filter, so its resources see whole paths (/api/..., /health/...); every
        // other path passes through it to the container's static files
        addFilter(context, "jersey", new ServletContainer(api), requests);
        context.addServlet("error", new ErrorPageServlet()).addMapping(ErrorPageServlet.PATH);
    }

    /**
     * Mail: the outbox the services write mails to in their own transactions, and this instance's sender, woken after
     * each such commit (and polling, for other instances' mails and retries). The links in mails start with
     * {@code QUIRE_PUBLIC_URL}, never with what a request's Host header says.
     */
    private Mail mail(ServletContext context, MailSettings settings, Database database, Metrics metrics) {
        var schedule = MailSender.Schedule.DEFAULT;
        if (context.getAttribute(TEST_MAIL_RETRY_ATTRIBUTE) instanceof String retry) {
            Duration wait = Duration.parse(retry);
            schedule = new MailSender.Schedule(wait, wait, wait.multipliedBy(4), schedule.maxAttempts(),
                    schedule.retention(), schedule.purgeEvery());
        }
        // a Jdbc without the query timings: a send's transaction lasts as long as its SMTP conversation
        var sender = new MailSender(new Jdbc(database.dataSource()), Clock.systemUTC(), settings, schedule,
                metrics.registry());
        started.push(sender);
        var links = settings.links(context.getContextPath());
        if (settings.sends()) {
            log.info("Mails are sent through {} from {}; links start with {}", settings.smtp().describe(),
                    settings.from(), links.base());
        } else {
            log.info("Mails are not sent (no QUIRE_SMTP_URL): each is written to this log with its links, which start"
                    + " with {}", links.base());
        }
        return new Mail(new MailOutbox(Clock.systemUTC(), sender::wake), links);
    }

    /** What the services that send mail are given: where to write their mails, and how to make links. */
    private record Mail(MailOutbox outbox, MailLinks links) {}

    /**
     * Where the limits keep their buckets. The general request limit is per instance, in memory: it is there to
     * keep one client from swamping one instance, and costs no database work per request. Failed sign-ins and
     * sign-ups are what an attacker would multiply by the number of instances, so on PostgreSQL (which several
     * instances may share) they are counted in the database; on H2, whose file belongs to one process, in memory.
     */
    private static Limits limits(AppConfig config, Jdbc jdbc) {
        var clock = Clock.systemUTC();
        var memory = new InMemoryBucketStore(clock);
        if (config.database().isH2()) {
            log.info("Failed sign-ins and sign-ups are counted in this instance's memory (H2: one instance)");
            return new Limits(memory, memory);
        }
        log.info("Failed sign-ins and sign-ups are counted in the database, across every instance that uses it");
        return new Limits(memory, new JdbcBucketStore(jdbc, clock));
    }

    /** @param shared the failed-sign-in and sign-up limits' store; {@code perInstance} the general request limit's */
    private record Limits(BucketStore perInstance, BucketStore shared) {}

    /** Every filter takes asynchronous requests: an event stream goes on after the chain returns. */
    private static void addFilter(ServletContext context, String name, Filter filter, EnumSet<DispatcherType> on) {
        var registration = context.addFilter(name, filter);
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(on, true, "/*");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        log.info("Quire stopping");
        stopAll();
        ClassLoader webapp = event.getServletContext().getClassLoader();
        deregisterJdbcDrivers(webapp);
        AppLogging.stopIfOwnedBy(webapp);
    }

    private void stopAll() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                log.warn("Failed to stop cleanly", e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static AppConfig readConfig(ServletContext context) {
        return context.getAttribute(SETTINGS_ATTRIBUTE) instanceof Map<?, ?> settings
                ? AppConfig.from((Map<String, String>) settings)
                : AppConfig.fromSystem();
    }

    private static HashCost hashCost(ServletContext context) {
        return context.getAttribute(TEST_HASH_COST_ATTRIBUTE) instanceof String cost
                ? HashCost.parse(cost)
                : HashCost.OWASP;
    }

    private static Duration heartbeat(ServletContext context) {
        return context.getAttribute(TEST_EVENT_HEARTBEAT_ATTRIBUTE) instanceof String heartbeat
                ? Duration.parse(heartbeat)
                : HEARTBEAT;
    }

    /** Purged often enough that an event is gone soon after its retention: every minute, or a third of a short one. */
    private static Duration purgeInterval(Duration retention) {
        Duration third = retention.dividedBy(3);
        return third.compareTo(Duration.ofMinutes(1)) < 0 ? third : Duration.ofMinutes(1);
    }

    private static Collection<?> extraResources(ServletContext context) {
        return context.getAttribute(EXTRA_RESOURCES_ATTRIBUTE) instanceof Collection<?> extra
                ? extra
                : List.of();
    }

    private static String version() {
        try (InputStream in = AppBootstrap.class.getResourceAsStream("/quire-version.properties")) {
            var properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Drivers this application's class loader registered would otherwise pin it in memory after undeploy. */
    private static void deregisterJdbcDrivers(ClassLoader webapp) {
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == webapp) {
                try {
                    DriverManager.deregisterDriver(driver);
                } catch (SQLException e) {
                    log.warn("Could not deregister JDBC driver {}", driver.getClass().getName(), e);
                }
            }
        }
    }

    private static String causes(Throwable error) {
        var text = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
        }
        return text.toString();
    }
}
