package dev.quire.support;

import dev.quire.AppBootstrap;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.util.ClassMatcher;

/**
 * The real application (webapp/, its web.xml, AppBootstrap's registration) in an embedded Jetty 12 ee10 on a
 * free loopback port. Settings come from {@link Builder#setting}, never from the shell that runs the tests.
 */
public final class TestServer implements AutoCloseable {
    private final Server jetty;
    private final URI base;

    private TestServer(Server jetty, URI base) {
        this.jetty = jetty;
        this.base = base;
    }

    public static Builder builder(TestDatabase database) {
        return new Builder(database);
    }

    /** The absolute URI of {@code path} (which starts with '/') under this server's context path. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + base.getPort() + contextPath() + path);
    }

    /** The context path as a servlet sees it: "" at the root, else "/name" without a trailing slash. */
    public String contextPath() {
        String path = base.getPath();
        return path.substring(0, path.length() - 1);
    }

    public int port() {
        return base.getPort();
    }

    /** The embedded Jetty itself, for tests of what Quire installs in it (dev.quire.container). */
    public Server jetty() {
        return jetty;
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop the test server", e);
        }
    }

    public static final class Builder {
        private final Map<String, String> settings = new HashMap<>();
        /** Cheap Argon2id for suites that sign up many accounts; tests of the real cost ask for it. */
        private String hashCost = "1024,1,1";
        private final List<Object> extraResources = new ArrayList<>();
        private String contextPath = "/";
        private Path war;
        private Duration idleTimeout;
        private long minRequestDataRate;
        private Duration eventHeartbeat;
        private Duration mailRetry;

        private Builder(TestDatabase database) {
            // suites build the data they assert on; the demo catalogue is tested on its own
            settings.put("QUIRE_DEMO_DATA", "false");
            // suites send thousands of requests and sign up hundreds of accounts from 127.0.0.1; the limits are
            // tested on servers of their own
            settings.put("QUIRE_RATE_LIMIT", "0");
            settings.put("QUIRE_SIGNUP_LIMIT", "100000");
            settings.put("QUIRE_MAIL_LIMIT", "100000");
            settings.putAll(database.settings());
        }

        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        public Builder contextPath(String path) {
            this.contextPath = path;
            return this;
        }

        /** Hashes passwords at the production cost instead of the cheap test cost. */
        public Builder productionHashCost() {
            this.hashCost = null;
            return this;
        }

        /**
         * Deploys this packaged WAR as a container would (its own WEB-INF/lib, child-first class loading)
         * instead of webapp/ on the test class path.
         */
        public Builder war(Path war) {
            this.war = war;
            return this;
        }

        /**
         * Jetty's idle timeout on the connection (30 s by default): how long a read, of a request body too, waits
         * for the client before failing.
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /** Jetty's minimum request body data rate, as docker/jetty's min-data-rate module sets it (none by default). */
        public Builder minRequestDataRate(long bytesPerSecond) {
            this.minRequestDataRate = bytesPerSecond;
            return this;
        }

        /** The event streams' heartbeat, short, so a test sees a stream of an ended session end without waiting 15 s. */
        public Builder eventHeartbeat(Duration heartbeat) {
            this.eventHeartbeat = heartbeat;
            return this;
        }

        /**
         * The mail sender's poll and first retry (retries back off to four times it), short, so a test of retries or
         * of mails written by another instance does not wait seconds.
         */
        public Builder mailRetry(Duration wait) {
            this.mailRetry = wait;
            return this;
        }

        /** Sends mail to this test SMTP server ({@code QUIRE_SMTP_URL}, {@code QUIRE_MAIL_FROM}). */
        public Builder smtp(TestSmtp smtp) {
            settings.putAll(smtp.settings());
            return this;
        }

        /** Adds a resource the production application does not have, such as a probe that throws on purpose. */
        public Builder resource(Object resource) {
            extraResources.add(resource);
            return this;
        }

        public TestServer start() {
            StdoutCapture.install();
            var jetty = new Server();
            var connector = new ServerConnector(jetty);
            if (idleTimeout != null) {
                connector.setIdleTimeout(idleTimeout.toMillis());
            }
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);

            var webapp = new WebAppContext();
            webapp.setContextPath(contextPath);
            if (war != null) {
                webapp.setWar(war.toAbsolutePath().toString());
                // as in a real container, only the Servlet API comes from outside the WAR: this JVM's class
                // path also holds Jersey and JAX-RS, which Jetty's default ("jakarta.") would let leak in
                webapp.setProtectedClassMatcher(new ClassMatcher("java.", "javax.", "jakarta.servlet.", "org.xml.",
                        "org.w3c."));
            } else {
                webapp.setBaseResourceAsPath(Path.of("webapp").toAbsolutePath());
                // classes and libraries come from the test class path: target/classes and the Maven dependencies
                webapp.setParentLoaderPriority(true);
            }
            webapp.setThrowUnavailableOnStartupException(true);
            webapp.setAttribute(AppBootstrap.SETTINGS_ATTRIBUTE, Map.copyOf(settings));
            webapp.setAttribute(AppBootstrap.EXTRA_RESOURCES_ATTRIBUTE, List.copyOf(extraResources));
            if (hashCost != null) {
                webapp.setAttribute(AppBootstrap.TEST_HASH_COST_ATTRIBUTE, hashCost);
            }
            if (eventHeartbeat != null) {
                webapp.setAttribute(AppBootstrap.TEST_EVENT_HEARTBEAT_ATTRIBUTE, eventHeartbeat.toString());
            }
            if (mailRetry != null) {
                webapp.setAttribute(AppBootstrap.TEST_MAIL_RETRY_ATTRIBUTE, mailRetry.toString());
            }
            // as docker/jetty's min-data-rate module does it
            jetty.setHandler(minRequestDataRate > 0 ? new MinimumDataRateHandler(webapp, minRequestDataRate, 0) : webapp);
            try {
                jetty.start();
            } catch (Exception e) {
                try {
                    jetty.stop();
                } catch (Exception ignored) {
                    // the start failure is the one worth reporting
                }
                throw new ServerStartException(e);
            }
            String path = contextPath.equals("/") ? "/" : contextPath + "/";
            var base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + path);
            return new TestServer(jetty, base);
        }
    }

    /** The application refused to start; the message is the one the container got. */
    public static final class ServerStartException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ServerStartException(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
