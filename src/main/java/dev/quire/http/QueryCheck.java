package dev.quire.http;

import dev.quire.rest.QueryParameters;
import dev.quire.rest.TakesQuery;
import dev.quire.shared.BadParameterException;
import dev.quire.shared.FieldError;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Under /api, a query parameter is never ignored: a route that takes none answers a request with any with a 400
 * naming each (the routes that take some, marked {@link TakesQuery}, check theirs with {@link QueryParameters}).
 *
 * <p>Which methods take none is decided once, as Jersey builds its model: the check is bound to those methods only,
 * so no request pays for looking its resource method up (an injected {@code ResourceInfo} is a proxy that Jersey
 * resolves on every call).
 */
final class QueryCheck implements DynamicFeature {
    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Method method = resource.getResourceMethod();
        if (method != null && !method.isAnnotationPresent(TakesQuery.class)) {
            context.register(new RefuseParameters());
        }
    }

    /** The check of a method that takes no query parameters. */
    private static final class RefuseParameters implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            if (request.getUriInfo().getRequestUri().getRawQuery() == null) {
                return;
            }
            var parameters = request.getUriInfo().getQueryParameters();
            if (parameters.isEmpty() || !isUnderApi(request.getUriInfo().getPath())) {
                return;
            }
            List<FieldError> errors = parameters.keySet().stream().sorted()
                    .map(name -> new FieldError(name, "is not a parameter here: this route takes none"))
                    .toList();
            throw new BadParameterException(errors);
        }
    }

    private static boolean isUnderApi(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return relative.equals("api") || relative.startsWith("api/");
    }
}
