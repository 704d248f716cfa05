package dev.quire.security;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceModel;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;

/**
 * Registered in a test server's application, keeps the resource model Jersey built at start-up: every route the
 * running application serves ("GET /api/todos/{id}"), whichever resources AppBootstrap registered, so a route
 * added tomorrow shows up here without anyone listing it.
 */
final class ServedRoutes implements ApplicationEventListener {
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

    /** "METHOD /path/{template}" for every resource method but the HEAD and OPTIONS JAX-RS adds by itself. */
    Set<String> routes() {
        if (model == null) {
            throw new IllegalStateException("The application has not started");
        }
        var routes = new TreeSet<String>();
        model.getRootResources().forEach(resource -> collect(resource, "", routes));
        return routes;
    }

    private static void collect(Resource resource, String parent, Set<String> routes) {
        String path = join(parent, resource.getPath());
        for (var method : resource.getResourceMethods()) {
            if (!List.of("HEAD", "OPTIONS").contains(method.getHttpMethod())) {
                routes.add(method.getHttpMethod() + " " + path);
            }
        }
        if (resource.getResourceLocator() != null) {
            // a locator's routes are only known at request time: the matrix could not see them
            routes.add("LOCATOR " + path);
        }
        resource.getChildResources().forEach(child -> collect(child, path, routes));
    }

    private static String join(String parent, String path) {
        String child = path == null ? "" : path.replaceAll("^/+|/+$", "");
        String base = parent.replaceAll("/+$", "");
        return child.isEmpty() ? (base.isEmpty() ? "/" : base) : base + "/" + child;
    }
}
