package dev.quire.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * An answer without a body has no media type (a 204, a 304, Jersey's automatic OPTIONS answer): Jersey would label
 * it with the type it negotiated, which for OPTIONS is a type copied from the request's {@code Accept}. HEAD keeps
 * the type of the GET it stands for.
 */
final class BodilessResponses implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!response.hasEntity() && !request.getMethod().equals("HEAD")) {
            response.getHeaders().remove(HttpHeaders.CONTENT_TYPE);
        }
    }
}
