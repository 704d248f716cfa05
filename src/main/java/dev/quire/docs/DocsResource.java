package dev.quire.docs;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code /docs/}: Swagger UI browsing {@code /api/openapi.json}. The container does not serve the WebJar's files
 * (web.xml turns off scanning jars for resources), so the few the page uses are served here, by name from a fixed
 * list, from the class path. Every URL is relative, so the pages work under any context path.
 */
@Path("/docs")
public final class DocsResource {
    private static final String SWAGGER_UI = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
    private static final String HTML = "text/html; charset=utf-8";
    private static final String JAVASCRIPT = "text/javascript; charset=utf-8";
    private static final String CSS = "text/css; charset=utf-8";
    /** The files of Swagger UI's distribution that the page loads, and their types; nothing else is served. */
    private static final Map<String, String> SWAGGER_UI_FILES = Map.of(
            "swagger-ui-bundle.js", JAVASCRIPT,
            "swagger-ui.css", CSS,
            "index.css", CSS,
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png");
    /**
     * The page names Swagger UI's files with its version ({@code swagger-ui.css?v=5.34.1}), so a browser may keep
     * them for a year: an upgrade changes their URLs.
     */
    private static final String VERSIONED = "public, max-age=31536000, immutable";
    /** Quire's own page and script change with Quire: kept, but checked (ETag) before every use. */
    private static final String REVALIDATE = "no-cache";

    private final ServedFile page;
    private final Map<String, ServedFile> files = new HashMap<>();

    /** @throws IllegalStateException when a file is missing from the class path: Quire must not start without it */
    public DocsResource() {
        String version = swaggerUiVersion();
        String webjar = "/META-INF/resources/webjars/swagger-ui/" + version + "/";
        SWAGGER_UI_FILES.forEach((name, type) ->
                files.put(name, ServedFile.fromClassPath(webjar + name, type, VERSIONED)));
        files.put("init.js", ServedFile.fromClassPath("init.js", JAVASCRIPT, REVALIDATE));
        String html = new String(ServedFile.read("index.html"), StandardCharsets.UTF_8);
        this.page = new ServedFile(html.replace("{{swaggerUiVersion}}", version).getBytes(StandardCharsets.UTF_8),
                HTML, REVALIDATE);
    }

    /** The page at {@code /docs/}; {@code /docs} (which Jersey matches alike) moves there, for its relative URLs. */
    @GET
    public Response page(@Context UriInfo uri, @Context HttpServletRequest request) {
        if (!uri.getPath().endsWith("/")) {
            // relative to the application's base URI, so the context path is kept
            return Response.status(Response.Status.MOVED_PERMANENTLY).location(URI.create("docs/")).build();
        }
        return page.respond(request);
    }

    @GET
    @Path("{file}")
    public Response file(@PathParam("file") String name, @Context HttpServletRequest request) {
        var file = files.get(name);
        if (file == null) {
            throw new NotFoundException();
        }
        return file.respond(request);
    }

    /** The version of the Swagger UI WebJar on the class path, which names the directory its files are in. */
    private static String swaggerUiVersion() {
        var properties = new Properties();
        try {
            properties.load(new ByteArrayInputStream(ServedFile.read(SWAGGER_UI)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + SWAGGER_UI, e);
        }
        return properties.getProperty("version");
    }
}
