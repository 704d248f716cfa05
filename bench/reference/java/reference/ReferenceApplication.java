package reference;

import javax.sql.DataSource;
import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The reference's JAX-RS application: Jackson (the JacksonFeature Quire registers, from the same jars) and the two
 * resources, as singletons as Quire's are. Like Quire's, it finds nothing by scanning or auto-discovery and has no
 * WADL or Bean Validation: those settings change what Jersey sets up at start, not the work of a request. (At start
 * Jersey warns that each resource instance "will be ignored" as a provider: a known, cosmetic warning for resources
 * registered as instances, eclipse-ee4j/jersey#3700; it serves them as resources.)
 */
public final class ReferenceApplication extends ResourceConfig {
    public ReferenceApplication(DataSource db) {
        property(CommonProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        property(ServerProperties.BV_FEATURE_DISABLE, true);
        register(JacksonFeature.withoutExceptionMappers());
        register(new ObjectResource());
        register(new RowsResource(db));
    }
}
