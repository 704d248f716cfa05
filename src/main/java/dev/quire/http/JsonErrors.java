package dev.quire.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import dev.quire.shared.FieldError;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Tells a client what was wrong with the JSON it sent: a document that does not parse is a 400; a document
 * that parses but has a field of the wrong type, or an unknown field, is a 422 naming that field.
 */
final class JsonErrors {
    record BadJson(int status, String detail, List<FieldError> errors) {}

    /** Jackson's messages point at an input source; the client knows its own input, so only line/column stay. */
    private static final Pattern SOURCE = Pattern.compile("\\s*\\(?(start marker )?at \\[Source:[^\\]]*\\]\\)?");
    /** Jackson quotes the bare word it could not parse, which may be a password sent without quotes. */
    private static final Pattern UNRECOGNIZED = Pattern.compile("Unrecognized token '[^']*'");

    private JsonErrors() {}

    static BadJson describe(JsonProcessingException error) {
        // text that is not JSON at all (invalid UTF-8, a raw control character, a string cut short) inside a field
        // reaches here wrapped with that field's path; it is still malformed JSON: 400, not a field's 422
        var malformed = causeOfType(error, JsonParseException.class);
        if (malformed != null) {
            return new BadJson(400, "The request body is not valid JSON: " + clean(malformed), List.of());
        }
        if (error instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = pathOf(mapping.getPath());
            String message = mapping instanceof PropertyBindingException
                    ? "is not a known field"
                    : mapping instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
                            ? "must be " + describe(mismatch.getTargetType())
                            : "has an invalid value";
            return new BadJson(422, field + " " + message, List.of(new FieldError(field, message)));
        }
        if (error instanceof MismatchedInputException mismatch) {
            String original = String.valueOf(mismatch.getOriginalMessage());
            if (original.startsWith("No content")) {
                return new BadJson(400, "The request body is empty; send a JSON document.", List.of());
            }
            String expected = mismatch.getTargetType() == null ? "a JSON object" : describe(mismatch.getTargetType());
            return new BadJson(400, "The request body must be " + expected + ".", List.of());
        }
        return new BadJson(400, "The request body is not valid JSON: " + clean(error), List.of());
    }

    private static <T extends Throwable> T causeOfType(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String clean(JsonProcessingException error) {
        String message = SOURCE.matcher(String.valueOf(error.getOriginalMessage())).replaceAll("");
        message = UNRECOGNIZED.matcher(message).replaceAll("Unrecognized token");
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        JsonLocation at = error.getLocation();
        return at == null || at.getLineNr() < 1
                ? message
                : message + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    private static String pathOf(List<JsonMappingException.Reference> path) {
        var out = new StringBuilder();
        for (var reference : path) {
            if (reference.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                out.append('[').append(reference.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String describe(Class<?> type) {
        if (type == String.class || type == Character.class || type == char.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class || type == BigInteger.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class
                || type == BigDecimal.class) {
            return "a number";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "an RFC 3339 timestamp";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type.isEnum()) {
            var names = new StringBuilder();
            for (Object constant : type.getEnumConstants()) {
                names.append(names.length() == 0 ? "" : ", ").append(constant);
            }
            return "one of " + names;
        }
        return Map.class.isAssignableFrom(type) || !type.isPrimitive() ? "a JSON object" : "a " + type.getSimpleName();
    }
}
