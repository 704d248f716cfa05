package dev.quire.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.shared.BadInputException;
import dev.quire.shared.Change;
import dev.quire.shared.FieldError;
import dev.quire.shared.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An RFC 7396 merge patch as a resource reads it: which fields it sets, and to what. A field the patch does not
 * name stays as it is; one it sets to {@code null} would be removed, which no Quire field allows. Problems are
 * collected while reading and reported together by {@link #check()}.
 */
public final class MergePatch {
    public static final String MEDIA_TYPE = "application/merge-patch+json";

    private final JsonNode body;
    private final List<FieldError> errors = new ArrayList<>();

    private MergePatch(JsonNode body) {
        this.body = body;
    }

    /**
     * @throws BadInputException when the body is not a JSON object
     * @throws ValidationException naming every field the resource does not know
     */
    public static MergePatch of(JsonNode body, Set<String> fields) {
        if (body == null || !body.isObject()) {
            throw new BadInputException("A merge patch must be a JSON object.");
        }
        var unknown = new TreeSet<String>();
        body.fieldNames().forEachRemaining(name -> {
            if (!fields.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw new ValidationException(unknown.stream().map(name -> new FieldError(name, "is not a known field"))
                    .toList());
        }
        return new MergePatch(body);
    }

    public boolean has(String field) {
        return body.has(field);
    }

    /** The string the patch sets {@code field} to, or null (with an error noted) when it is anything else. */
    public String text(String field) {
        return read(field, JsonNode::isTextual, JsonNode::textValue, "must be a string");
    }

    /** The boolean the patch sets {@code field} to, or null (with an error noted). */
    public Boolean bool(String field) {
        return read(field, JsonNode::isBoolean, JsonNode::booleanValue, "must be true or false");
    }

    /** The integer the patch sets {@code field} to, or null (with an error noted). */
    public Long integer(String field) {
        return read(field, node -> node.isIntegralNumber() && node.canConvertToLong(), JsonNode::longValue,
                "must be a whole number");
    }

    /** The new value of an optional text field: null when the patch leaves it alone, a Change to null to remove it. */
    public Change<String> optionalText(String field) {
        return optional(field, this::text);
    }

    /** The new value of an optional integer field: null when the patch leaves it alone, a Change to null to remove it. */
    public Change<Long> optionalInteger(String field) {
        return optional(field, this::integer);
    }

    private <T> Change<T> optional(String field, Function<String, T> read) {
        if (!body.has(field)) {
            return null;
        }
        return body.get(field).isNull() ? new Change<>(null) : new Change<>(read.apply(field));
    }

    private <T> T read(String field, Predicate<JsonNode> valid, Function<JsonNode, T> value, String expected) {
        JsonNode node = body.get(field);
        if (node != null && valid.test(node)) {
            return value.apply(node);
        }
        errors.add(new FieldError(field, node == null || node.isNull() ? "cannot be removed" : expected));
        return null;
    }

    /** @throws ValidationException listing every problem noted while reading */
    public void check() {
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
    }
}
