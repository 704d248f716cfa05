package dev.quire.http;

import java.util.Collection;
import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletProperties;

/**
 * Quire's JAX-RS application: the resources AppBootstrap built, Jackson without its own exception mappers
 * (they would answer bad JSON with text/plain), and {@link ProblemMapper} for every failure. Nothing is
 * found by scanning or auto-discovery: what is registered here is all there is.
 */
public final class ApiApplication extends ResourceConfig {

    /** @param resources resource and provider instances, or classes for Jersey to instantiate */
    public ApiApplication(Collection<?> resources) {
        property(ServletProperties.FILTER_STATIC_CONTENT_REGEX, ApiPaths.NOT_JERSEY);
        property(CommonProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        property(ServerProperties.BV_FEATURE_DISABLE, true);
        // errors are rendered by ProblemMapper; never hand them to the container's HTML error page
        property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        register(JacksonFeature.withoutExceptionMappers());
        register(Json.class);
        register(ProblemMapper.class);
        register(new RequiredBodyInterceptor());
        for (Object resource : resources) {
            if (resource instanceof Class<?> type) {
                register(type);
            } else {
                register(resource);
            }
        }
    }
}
