package dev.quire.http;

import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.MediaType;
import org.glassfish.jersey.server.model.ModelProcessor;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceModel;

/**
 * A resource method that returns nothing ({@code void}: JAX-RS answers 204 No Content) has no body to negotiate,
 * so no {@code Accept} header may refuse it, whatever media type its class produces: a client generated from the
 * OpenAPI document asks such an operation for {@code application/problem+json}, the only type it lists for it.
 * Jersey is told that these methods produce any type; its errors are problem+json as everywhere.
 */
final class NoContentMethods implements ModelProcessor {

    @Override
    public ResourceModel processResourceModel(ResourceModel model, Configuration configuration) {
        var processed = new ResourceModel.Builder(false);
        model.getResources().forEach(resource -> processed.addResource(process(resource)));
        return processed.build();
    }

    @Override
    public ResourceModel processSubResource(ResourceModel model, Configuration configuration) {
        return model;
    }

    private static Resource process(Resource resource) {
        var builder = Resource.builder(resource);
        for (var method : resource.getResourceMethods()) {
            if (method.getInvocable().getRawResponseType() == void.class) {
                builder.updateMethod(method).produces(MediaType.WILDCARD_TYPE);
            }
        }
        for (var child : resource.getChildResources()) {
            builder.replaceChildResource(child, process(child));
        }
        return builder.build();
    }
}
