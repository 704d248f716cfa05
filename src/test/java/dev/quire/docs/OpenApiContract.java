package dev.quire.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.quire.support.EventStreamClient;
import dev.quire.support.Http;
import dev.quire.support.RawHttp;
import dev.quire.support.RouteRecorder;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The served OpenAPI document as a contract. Finds the operation a request was for and checks that a real response
 * is one the document describes: its status is listed, its media type is given for that status, its body is valid
 * against the schema given for it (JSON Schema 2020-12, formats asserted), and every header the document marks
 * required is there, each header it describes well-formed.
 */
final class OpenApiContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where the validator finds the document, so that the schemas' local references resolve into it. */
    private static final String DOCUMENT_IRI = "https://quire.test/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private final JsonNode document;
    private final String contextPath;
    private final SchemaRegistry schemas;

    /** @param contextPath the context path the application runs at ("" at the root), as TestServer gives it */
    OpenApiContract(String documentJson, String contextPath) {
        this.document = read(documentJson);
        this.contextPath = contextPath;
        var config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
        this.schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> builder
                .schemaRegistryConfig(config)
                .schemas(Map.of(DOCUMENT_IRI, documentJson)));
    }

    JsonNode document() {
        return document;
    }

    /** A documented operation: its method (upper case), its path template and its Operation Object. */
    record Operation(String method, String path, JsonNode node) {
        String key() {
            return method + " " + RouteRecorder.normalise(path);
        }
    }

    List<Operation> operations() {
        var operations = new ArrayList<Operation>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(method -> {
            if (METHODS.contains(method.getKey())) {
                operations.add(new Operation(method.getKey().toUpperCase(Locale.ROOT), path.getKey(), method.getValue()));
            }
        }));
        return operations;
    }

    /**
     * The operation a request to {@code path} (within the application, without the query) is for: of the templates
     * that match, the one with the fewest parameters, as OpenAPI prefers {@code /accounts/me} to {@code /accounts/{id}}.
     */
    Operation operation(String method, String path) {
        return operations().stream()
                .filter(operation -> operation.method().equals(method) && matches(operation.path(), path))
                .min(Comparator.comparingLong(operation -> operation.path().chars().filter(c -> c == '{').count()))
                .orElseThrow(() -> new AssertionError("The document has no operation for " + method + " " + path));
    }

    private static boolean matches(String template, String path) {
        var regex = new StringBuilder();
        for (String part : template.split("(?=\\{)|(?<=})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return path.matches(regex.toString());
    }

    /** The object a local reference points at, or the node itself when it is not a reference. */
    JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current.has("$ref"); hops++) {
            String ref = current.get("$ref").asText();
            assertThat(ref).as("a local reference").startsWith("#/");
            assertThat(hops).as("references chained beyond reason: " + ref).isLessThan(10);
            current = document.at(ref.substring(1));
            assertThat(current.isMissingNode()).as("the reference " + ref + " resolves").isFalse();
        }
        return current;
    }

    /** Checks a response from {@link Http} against the operation of the request it answers. */
    void check(Http.Response response) {
        var request = response.raw().request();
        check(request.method(), request.uri().getRawPath(), response.status(), response::header, response.body());
    }

    /** Checks a response from {@link RawHttp} to {@code method} {@code path} (within the application). */
    void check(String method, String path, RawHttp.Response response) {
        check(method, contextPath + path, response.status(), response::header, response.body());
    }

    /**
     * Checks the answer's head of an event stream opened at {@code path} (within the application, its query
     * included): status, media type, headers. Its body, a stream of events, is not a JSON document to check.
     */
    void check(String method, String path, EventStreamClient stream) {
        String withoutQuery = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        check(method, contextPath + withoutQuery, stream.status(), stream::header, "");
    }

    private void check(String method, String fullPath, int status, UnaryOperator<String> header, String body) {
        assertThat(fullPath).startsWith(contextPath);
        String path = fullPath.substring(contextPath.length());
        String where = method + " " + path + " answered " + status;
        var operation = operation(method, path);
        var declared = operation.node().path("responses").get(String.valueOf(status));
        assertThat(declared).as(where + ": a status " + operation.key() + " does not document (" + body + ")")
                .isNotNull();
        var response = resolve(declared);

        var content = response.path("content");
        if (content.isEmpty()) {
            assertThat(body).as(where + ": a body where the document gives none").isEmpty();
        } else {
            String contentType = header.apply("Content-Type");
            assertThat(contentType).as(where + ": no Content-Type").isNotNull();
            String mediaType = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
            var media = content.get(mediaType);
            assertThat(media).as(where + ": " + mediaType + " is not among the documented " + names(content))
                    .isNotNull();
            if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
                assertValid(media.path("schema"), body, where + ": the body");
            }
        }

        response.path("headers").properties().forEach(entry -> {
            var spec = resolve(entry.getValue());
            String value = header.apply(entry.getKey());
            if (spec.path("required").asBoolean()) {
                assertThat(value).as(where + ": the required header " + entry.getKey()).isNotNull();
            }
            if (value != null) {
                assertValid(spec.path("schema"), asJson(value, spec.path("schema")), where + ": " + entry.getKey());
            }
        });
    }

    /** Checks that the document's schema for this request body accepts it, as a client generated from it would. */
    void checkRequest(String method, String path, String mediaType, String body) {
        var operation = operation(method, path);
        var media = resolve(operation.node().path("requestBody")).path("content").get(mediaType);
        assertThat(media).as(operation.key() + " takes " + mediaType).isNotNull();
        assertValid(media.path("schema"), body, operation.key() + ": the request body");
    }

    private void assertValid(JsonNode schema, String json, String what) {
        var errors = schemaOf(schema).validate(json, InputFormat.JSON);
        assertThat(errors).as(what + " is valid against " + schema + ": " + json).isEmpty();
    }

    /** A schema taken from the document, its local references made absolute, so they resolve in the document. */
    private Schema schemaOf(JsonNode schema) {
        var copy = schema.deepCopy();
        absoluteReferences(copy);
        return schemas.getSchema(copy.toString(), InputFormat.JSON);
    }

    private static void absoluteReferences(JsonNode node) {
        if (node instanceof ObjectNode object && object.path("$ref").asText().startsWith("#")) {
            object.put("$ref", DOCUMENT_IRI + object.get("$ref").asText());
        }
        node.forEach(OpenApiContract::absoluteReferences);
    }

    /** A header's text as the JSON value its schema describes: a number for an integer header, else a string. */
    private static String asJson(String value, JsonNode schema) {
        boolean integer = schema.path("type").asText().equals("integer");
        return integer && value.matches("-?[0-9]{1,18}") ? value : new TextNode(value).toString();
    }

    private static List<String> names(JsonNode object) {
        var names = new ArrayList<String>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every {@code $ref} in the document, with where it stands (a JSON pointer). */
    Map<String, String> references() {
        var references = new LinkedHashMap<String, String>();
        collectReferences(document, "", references);
        return references;
    }

    private static void collectReferences(JsonNode node, String pointer, Map<String, String> references) {
        if (node.isObject()) {
            node.properties().forEach(entry -> {
                String child = pointer + "/" + entry.getKey().replace("~", "~0").replace("/", "~1");
                if (entry.getKey().equals("$ref") && entry.getValue().isTextual()) {
                    references.put(child, entry.getValue().asText());
                } else {
                    collectReferences(entry.getValue(), child, references);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectReferences(node.get(i), pointer + "/" + i, references);
            }
        }
    }
}
