package reference;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /bytes}: the floor of the stack. Jetty parses the request and the servlet writes 15 fixed bytes, the
 * same bytes Quire's {@code GET /health/live} answers; no filter, no Jersey, no JSON library. What Quire's
 * {@code ceiling} costs above this is Jersey, Jackson and Quire's own filter chain.
 */
public final class BytesServlet extends HttpServlet {
    private static final byte[] BODY = "{\"status\":\"UP\"}".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.setContentLength(BODY.length);
        response.getOutputStream().write(BODY);
    }
}
