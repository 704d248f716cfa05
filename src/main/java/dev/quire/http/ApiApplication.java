package dev.quire.http;

import dev.quire.rest.ApiPaths;
import dev.quire.rest.Json;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import dev.quire.rest.Idempotent;
import dev.quire.rest.KeyScope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.servlet.ServletProperties;

/**
 * Quire's JAX-RS application: the resources AppBootstrap built, Jackson without its own exception mappers
 * (they would answer bad JSON with text/plain), and {@link ProblemMapper} for every failure. Nothing is
 * found by scanning or auto-discovery: what is registered here is all there is.
 */
public final class ApiApplication extends ResourceConfig {
    private final List<?> resources;

    /** @param resources resource and provider instances, or classes for Jersey to instantiate */
    public ApiApplication(Collection<?> resources) {
        this.resources = List.copyOf(resources);
        property(ServletProperties.FILTER_STATIC_CONTENT_REGEX, ApiPaths.NOT_FOR_JERSEY);
        property(CommonProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        property(ServerProperties.BV_FEATURE_DISABLE, true);
        // errors are rendered by ProblemMapper; never hand them to the container's HTML error page
        property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        register(JacksonFeature.withoutExceptionMappers());
        register(Json.class);
        register(ProblemMapper.class);
        register(new RequiredBodyInterceptor());
        register(new Utf8Bodies());
        register(new NoContentMethods());
        register(new QueryCheck());
        register(new BodilessResponses());
        for (Object resource : resources) {
            if (resource instanceof Class<?> type) {
                register(type);
            } else {
                register(resource);
            }
        }
    }

    /**
     * The concrete media types the resources produce, as their {@code @Produces} say; the methods that produce any
     * type (a void method, a resource that sets the type itself) take any {@code Accept} and are not listed.
     */
    public List<String> producedTypes() {
        var types = new LinkedHashSet<String>();
        rootResources().forEach(resource -> collect(resource, types));
        return List.copyOf(types);
    }

    /**
     * The path templates ({@code /api/books/{id}/reviews}) of the {@code POST}s marked {@link Idempotent}: the routes
     * whose requests honour {@code Idempotency-Key}.
     */
    /**
     * A creating POST marked {@link Idempotent}: its path template, and the scope an API key needs for it ({@code
     * null}: no key may call it; {@link KeyScope#NONE}: any key).
     */
    public record IdempotentRoute(String template, String keyScope) {}

    public List<IdempotentRoute> idempotentRoutes() {
        var routes = new ArrayList<IdempotentRoute>();
        for (Resource resource : rootResources()) {
            collectIdempotent(resource, "", routes);
        }
        return List.copyOf(routes);
    }

    private List<Resource> rootResources() {
        var roots = new ArrayList<Resource>();
        for (Object resource : resources) {
            Class<?> type = resource instanceof Class<?> c ? c : resource.getClass();
            if (Resource.isAcceptable(type) && type.isAnnotationPresent(Path.class)) {
                roots.add(Resource.from(type));
            }
        }
        return roots;
    }

    private static void collectIdempotent(Resource resource, String parent, List<IdempotentRoute> routes) {
        String path = parent + "/" + resource.getPath().replaceAll("^/+|/+$", "");
        for (var method : resource.getResourceMethods()) {
            var definition = method.getInvocable().getDefinitionMethod();
            if (method.getHttpMethod().equals("POST") && definition.isAnnotationPresent(Idempotent.class)) {
                var scope = definition.isAnnotationPresent(KeyScope.class) ? definition.getAnnotation(KeyScope.class)
                        : definition.getDeclaringClass().getAnnotation(KeyScope.class);
                routes.add(new IdempotentRoute(path, scope == null ? null : scope.value()));
            }
        }
        resource.getChildResources().forEach(child -> collectIdempotent(child, path, routes));
    }

    private static void collect(Resource resource, Set<String> types) {
        resource.getResourceMethods().forEach(method -> method.getProducedTypes().stream()
                .filter(produced -> !produced.isWildcardType() && !produced.isWildcardSubtype())
                .map(MediaType::toString)
                .forEach(types::add));
        resource.getChildResources().forEach(child -> collect(child, types));
    }
}
