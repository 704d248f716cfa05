package dev.quire.docs;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.quire.rest.Json;
import dev.quire.rest.KeyScope;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/openapi.json}: the OpenAPI document, written by hand as YAML (openapi.yaml beside this class) and
 * served as JSON, with the running version and the context path Quire is deployed at filled in.
 */
@Path("/api/openapi.json")
@Produces(MediaType.APPLICATION_JSON)
public final class OpenApiResource {
    private static final String SOURCE = "openapi.yaml";
    /**
     * The document changes only when Quire is redeployed: any cache may keep it for five minutes, which bounds how
     * long a client sees the old one after an upgrade, and then revalidates it cheaply with its ETag.
     */
    private static final String CACHE = "public, max-age=300";
    // a key written twice in hand-written YAML would otherwise replace the first without a word
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final ServedFile document;

    /**
     * @param contextPath where Quire is deployed ("" at the root), so that the document's server, and with it
     *     every "Try it out" of Swagger UI, points back at this deployment
     * @throws IllegalStateException when openapi.yaml is missing or is not valid YAML: Quire must not start
     */
    public OpenApiResource(String version, String contextPath) {
        this.document = new ServedFile(render(version, contextPath), MediaType.APPLICATION_JSON, CACHE);
    }

    @KeyScope(KeyScope.NONE)
    @GET
    public Response document(@Context HttpServletRequest request) {
        return document.respond(request);
    }

    private static byte[] render(String version, String contextPath) {
        try {
            var document = (ObjectNode) YAML.readTree(ServedFile.read(SOURCE));
            document.withObject("/info").put("version", version);
            // the one server keeps what openapi.yaml says of it (its description, x-internal); only its URL is ours
            var servers = document.withArray("/servers");
            var server = servers.isEmpty() ? servers.addObject() : (ObjectNode) servers.get(0);
            server.put("url", contextPath.isEmpty() ? "/" : contextPath);
            return Json.mapper().writeValueAsBytes(document);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.yaml is not valid YAML", e);
        }
    }
}
