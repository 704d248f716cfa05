package dev.quire.container;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What WEB-INF/jetty-ee10-web.xml installs when Jetty (the distribution, {@code mvn jetty:run}, the test server)
 * starts Quire, so that no answer Jetty writes itself is an HTML page or names Jetty:
 * <ul>
 *   <li>the server's error handler, for errors raised before a context has the request: {@link JettyProblemHandler};
 *   <li>the context's error handler: Jetty's own, which renders web.xml's error page (Quire's problem+json), but for
 *       every method, where Jetty's renders it only for GET, POST and HEAD and leaves the rest (TRACE, which Jetty's
 *       default descriptor forbids) with an empty body;
 *   <li>no {@code Server} header on any connector (docker/jetty sets that too; {@code mvn jetty:run} cannot);
 *   <li>once the server listens, one line saying where Quire is: {@code Quire is ready: http://127.0.0.1:8080/ (page)
 *       · http://127.0.0.1:8080/docs (API docs)}.
 * </ul>
 * Everything is put back when the context stops, so a stopped or redeployed Quire leaves no class of its behind in
 * the server.
 */
public final class JettyErrors {
    /**
     * The Jetty types this package's classes use. A web application's class loader hides Jetty's classes from it,
     * except while the descriptor runs: a class of Quire's that names a Jetty type would fail when it first touches
     * it later, handling a request on a server thread. JettyErrorsTest checks this list against the classes.
     */
    static final List<String> JETTY_TYPES = List.of(
            "org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler",
            "org.eclipse.jetty.ee10.webapp.WebAppContext",
            "org.eclipse.jetty.http.HttpException",
            "org.eclipse.jetty.http.HttpFields",
            "org.eclipse.jetty.http.HttpURI",
            "org.eclipse.jetty.server.ConnectionMetaData",
            "org.eclipse.jetty.server.Connector",
            "org.eclipse.jetty.server.ConnectionFactory",
            "org.eclipse.jetty.server.HttpConfiguration",
            "org.eclipse.jetty.server.Request",
            "org.eclipse.jetty.server.Response",
            "org.eclipse.jetty.server.Server",
            "org.eclipse.jetty.util.Callback",
            "org.eclipse.jetty.util.ClassMatcher",
            "org.eclipse.jetty.util.component.LifeCycle");

    private static final Logger log = LoggerFactory.getLogger(JettyErrors.class);

    private JettyErrors() {}

    /** Called by WEB-INF/jetty-ee10-web.xml while Jetty configures the context, before the application starts. */
    public static void install(WebAppContext context) {
        context.getHiddenClassMatcher().exclude(JETTY_TYPES.toArray(String[]::new));
        var installed = new Installed(context);
        installed.install();
        // the context forgets listeners added while it starts when it stops: one added now is called once
        context.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarted(LifeCycle event) {
                installed.announceWhenListening();
            }

            @Override
            public void lifeCycleStopping(LifeCycle event) {
                installed.restore();
            }

            @Override
            public void lifeCycleFailure(LifeCycle event, Throwable cause) {
                installed.restore();
            }
        });
    }

    /** What {@link #install} changes, and what was there before. */
    private static final class Installed implements LifeCycle.Listener {
        private final WebAppContext context;
        private final Server server;
        private final Request.Handler serverHandler = new JettyProblemHandler();
        private final Request.Handler contextHandler = new ErrorPagesForEveryMethod();
        private Request.Handler previousServerHandler;
        private Request.Handler previousContextHandler;
        /** Each connector's HTTP configuration, and whether it sent a Server header before. */
        private final Map<HttpConfiguration, Boolean> serverVersionSent = new IdentityHashMap<>();
        private boolean listening;
        private boolean announced;

        Installed(WebAppContext context) {
            this.context = context;
            this.server = context.getServer();
        }

        synchronized void install() {
            previousServerHandler = server.getErrorHandler();
            server.setErrorHandler(serverHandler);
            previousContextHandler = context.getErrorHandler();
            context.setErrorHandler(contextHandler);
            if (!hideServerVersion()) {
                // mvn jetty:run's connectors only make their HTTP configuration when they start, after the contexts
                listening = server.addEventListener(this);
            }
        }

        @Override
        public synchronized void lifeCycleStarted(LifeCycle event) {
            hideServerVersion();
            announce();
        }

        /** The ready line, now if the server already listens (a later deployment), else once it does. */
        synchronized void announceWhenListening() {
            if (server.isStarted()) {
                announce();
            } else if (!listening) {
                listening = server.addEventListener(this);
            }
        }

        private void announce() {
            if (announced) {
                return;
            }
            announced = true;
            String path = context.getContextPath().equals("/") ? "" : context.getContextPath();
            for (Connector connector : server.getConnectors()) {
                // the listening socket, of a ServerConnector or of the one mvn jetty:run's connector wraps
                if (connector.getTransport() instanceof ServerSocketChannel channel
                        && address(channel) instanceof InetSocketAddress bound) {
                    String host = bound.getAddress().isAnyLocalAddress() ? "localhost" : bound.getHostString();
                    String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort()
                            + path;
                    log.info("Quire is ready: {}/ (page) \u00b7 {}/docs (API docs)", base, base);
                }
            }
        }

        private static SocketAddress address(ServerSocketChannel channel) {
            try {
                return channel.getLocalAddress();
            } catch (IOException e) {
                return null; // closed: not listening after all
            }
        }

        /** Turns the Server header off on every connector that can be reached now; false if one cannot yet. */
        private boolean hideServerVersion() {
            boolean all = true;
            for (Connector connector : server.getConnectors()) {
                try {
                    for (var factory : connector.getConnectionFactories()) {
                        if (factory instanceof HttpConfiguration.ConnectionFactory http) {
                            var configuration = http.getHttpConfiguration();
                            serverVersionSent.putIfAbsent(configuration, configuration.getSendServerVersion());
                            configuration.setSendServerVersion(false);
                        }
                    }
                } catch (IllegalStateException notStarted) {
                    all = false;
                }
            }
            return all;
        }

        synchronized void restore() {
            // another deployment may have installed its own since: leave that one alone
            if (server.getErrorHandler() == serverHandler) {
                server.setErrorHandler(previousServerHandler);
            }
            if (context.getErrorHandler() == contextHandler) {
                context.setErrorHandler(previousContextHandler);
            }
            serverVersionSent.forEach(HttpConfiguration::setSendServerVersion);
            serverVersionSent.clear();
            if (listening) {
                server.removeEventListener(this);
                listening = false;
            }
        }
    }

    /** Jetty's error-page handler, rendering web.xml's error page whatever the method. */
    static final class ErrorPagesForEveryMethod extends ErrorPageErrorHandler {
        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }
    }
}
