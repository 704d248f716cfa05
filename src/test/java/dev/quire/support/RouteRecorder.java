package dev.quire.support;

import dev.quire.identity.SignedIn;
import dev.quire.rest.KeyScope;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceModel;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;

/**
 * Registered in a test server's application, keeps the resource model Jersey built for it at start-up: the routes
 * the deployed application really serves, whichever resources AppBootstrap registered; and, from
 * {@link #SERVLET_ROUTES}, the few it serves with a servlet of its own rather than through Jersey.
 */
public final class RouteRecorder implements ApplicationEventListener {
    /** The media type of the event streams' answers. */
    public static final String EVENT_STREAM = "text/event-stream";
    /**
     * The routes a servlet of Quire's own serves, outside Jersey's resource model: the event streams
     * (EventStreamServlet), which outlive their requests. The only list of them the route tests know: a route
     * served by a servlet and missing here is missing from the document's and the authorization matrix's checks,
     * and {@code servletRoutesAreTheEventStreamServletsPaths} (OpenApiDocumentTest) holds it to the servlet's own.
     */
    public static final List<Route> SERVLET_ROUTES = List.of(
            new Route("GET", "/api/todos/events", true, Set.of(), Set.of(EVENT_STREAM), KeyScope.TODOS_READ),
            new Route("GET", "/api/books/events", false, Set.of(), Set.of(EVENT_STREAM), KeyScope.NONE));

    /**
     * One resource method: a method on a path template, as the application serves it, with the media types of the
     * body it takes and of the answers it names ({@code @Produces}; none for a method that names none), and the scope an
     * API key needs ({@code @KeyScope}: "" for any key, null when no key may).
     */
    public record Route(String method, String path, boolean signedIn, Set<String> consumes, Set<String> produces,
                        String keyScope) {
        /** The route's identity for comparison with the document: template names and trailing slashes left out. */
        public String key() {
            return method + " " + normalise(path);
        }
    }

    private volatile ResourceModel model;

    @Override
    public void onEvent(ApplicationEvent event) {
        if (event.getType() == ApplicationEvent.Type.INITIALIZATION_FINISHED) {
            model = event.getResourceModel();
        }
    }

    @Override
    public RequestEventListener onRequest(RequestEvent event) {
        return null;
    }

    /** Every route, Jersey's and the servlets', but the HEAD and OPTIONS that JAX-RS answers by itself. */
    public Set<Route> routes() {
        var routes = jerseyRoutes();
        routes.addAll(SERVLET_ROUTES);
        return routes;
    }

    /** The routes of Jersey's resource model only. */
    public Set<Route> jerseyRoutes() {
        if (model == null) {
            throw new IllegalStateException("The application has not started");
        }
        var routes = new HashSet<Route>();
        model.getRootResources().forEach(resource -> collect(resource, "", routes));
        return routes;
    }

    /** Whether the route answers with a stream of events (which never ends by itself) when it succeeds. */
    public static boolean isEventStream(Route route) {
        return route.produces().contains(EVENT_STREAM);
    }

    private static void collect(Resource resource, String parent, Set<Route> routes) {
        String path = join(parent, resource.getPath());
        for (var method : resource.getResourceMethods()) {
            if (List.of("HEAD", "OPTIONS").contains(method.getHttpMethod())) {
                continue;
            }
            Method java = method.getInvocable().getDefinitionMethod();
            boolean signedIn = java.isAnnotationPresent(SignedIn.class)
                    || java.getDeclaringClass().isAnnotationPresent(SignedIn.class);
            var consumes = new HashSet<String>();
            if (method.getInvocable().requiresEntity()) {
                method.getConsumedTypes().forEach(type -> consumes.add(type.getType() + "/" + type.getSubtype()));
            }
            var produces = new HashSet<String>();
            method.getProducedTypes().stream().filter(type -> !type.isWildcardType())
                    .forEach(type -> produces.add(type.getType() + "/" + type.getSubtype()));
            var scope = java.isAnnotationPresent(KeyScope.class) ? java.getAnnotation(KeyScope.class)
                    : java.getDeclaringClass().getAnnotation(KeyScope.class);
            routes.add(new Route(method.getHttpMethod(), path, signedIn, consumes, produces,
                    scope == null ? null : scope.value()));
        }
        if (resource.getResourceLocator() != null) {
            throw new IllegalStateException("A sub-resource locator at " + path + ": teach the route test about it");
        }
        resource.getChildResources().forEach(child -> collect(child, path, routes));
    }

    private static String join(String parent, String path) {
        String child = path == null ? "" : path.replaceAll("^/+|/+$", "");
        String base = parent.replaceAll("/+$", "");
        return child.isEmpty() ? (base.isEmpty() ? "/" : base) : base + "/" + child;
    }

    /** {@code /api/books/{id: [a-z]+}/} and {@code /api/books/{bookId}} alike become {@code /api/books/{}}. */
    public static String normalise(String template) {
        String path = template.replaceAll("\\{[^}]*}", "{}");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
