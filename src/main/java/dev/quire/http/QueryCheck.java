package dev.quire.http;

import dev.quire.rest.QueryParameters;
import dev.quire.rest.TakesQuery;
import dev.quire.shared.BadParameterException;
import dev.quire.shared.FieldError;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Under /api, a query parameter is never ignored: a route that takes none answers a request with any with a 400
 * naming each (the routes that take some, marked {@link TakesQuery}, check theirs with {@link QueryParameters}).
 */
final class QueryCheck implements ContainerRequestFilter {
    @Context
    private ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        var parameters = request.getUriInfo().getQueryParameters();
        Method method = resource.getResourceMethod();
        if (parameters.isEmpty() || method == null || method.isAnnotationPresent(TakesQuery.class)
                || !isUnderApi(request.getUriInfo().getPath())) {
            return;
        }
        List<FieldError> errors = parameters.keySet().stream().sorted()
                .map(name -> new FieldError(name, "is not a parameter here: this route takes none"))
                .toList();
        throw new BadParameterException(errors);
    }

    private static boolean isUnderApi(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return relative.equals("api") || relative.startsWith("api/");
    }
}
