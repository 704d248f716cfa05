package dev.quire.http;

import dev.quire.shared.BadInputException;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;

/**
 * A JSON body that is empty or the literal {@code null} reads as no object at all; every resource that takes
 * a body needs one, so this is refused here, once, instead of in each resource.
 */
final class RequiredBodyInterceptor implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Object body = context.proceed();
        if (body == null) {
            throw new BadInputException("The request body is empty or null; send a JSON object.");
        }
        return body;
    }
}
