package dev.quire.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells a client what was wrong with the JSON it sent, in Quire's own words: a document that does not parse is a
 * 400 saying what was found and where (line and column); a document that parses but has a field of the wrong type,
 * or an unknown field, is a 422 naming that field. The parser's messages never reach the client: they name its
 * options and classes, and quote the text they stop at, which may be a password sent without quotes.
 */
final class JsonErrors {
    record BadJson(int status, String detail, List<FieldError> errors) {}

    /** How the parser says what is wrong (the start of its message), and how Quire says it; the first match wins. */
    private static final List<Map.Entry<Pattern, String>> SYNTAX = List.of(
            rule("Unexpected character .*comment", "comments are not allowed in JSON"),
            rule("Unexpected character .*plus sign", "a number must not start with '+'"),
            rule("Unexpected character \\('''.*double-quote to start field name",
                    "field names must be in double quotes, not single quotes"),
            rule("Unexpected character .*double-quote to start field name", "expected a field name in double quotes"),
            rule("Unexpected character .*comma to separate Object entries", "expected ',' or '}' after a value"),
            rule("Unexpected character .*comma to separate Array entries", "expected ',' or ']' after a value"),
            rule("Unexpected character .*colon to separate field name", "expected ':' after the field name"),
            rule("Unexpected character \\(('[\\x21-\\x7e]') \\(code [0-9]+\\)\\)", "unexpected character $1"),
            rule("Unexpected character", "unexpected character"),
            rule("Unrecognized token", "unrecognized word (a JSON value is a string in double quotes, a number, an"
                    + " object, an array, true, false or null)"),
            rule("Non-standard token", "NaN and Infinity are not JSON numbers"),
            rule("Invalid numeric value: Leading zeroes", "a number must not start with 0"),
            rule("Invalid numeric value", "invalid number"),
            rule("Unexpected end-of-input", "the JSON document ends before it is complete"),
            rule("Illegal unquoted character", "a control character inside a string must be escaped (as \\\\n,"
                    + " \\\\t or \\\\u0000)"),
            rule("Illegal character", "a control character is not allowed between JSON values"),
            rule("Unrecognized character escape", "invalid escape sequence in a string"),
            rule("Invalid UTF-8", "the body is not valid UTF-8"),
            rule("Unexpected close marker '([\\]}])'", "unexpected '$1'"),
            rule("Duplicate field '([^']{1,100})'", "the field \"$1\" is given twice"),
            rule("Duplicate field", "a field is given twice"),
            rule("Trailing token", "there is more after the end of the JSON document"),
            rule("Document nesting depth .*maximum allowed \\(([0-9]+)",
                    "the document is nested more than $1 levels deep"),
            rule("Number value length .*maximum allowed \\(([0-9]+)", "a number is longer than $1 digits"),
            rule("String value length .*maximum allowed \\(([0-9]+)", "a string is longer than $1 characters"),
            rule("Name length .*maximum allowed \\(([0-9]+)", "a field name is longer than $1 characters"),
            rule("(Token count|Document length) .*maximum allowed", "the document is too large"));

    private JsonErrors() {}

    static BadJson describe(JsonProcessingException error) {
        // text that is not JSON at all (invalid UTF-8, a raw control character, a string cut short) inside a field
        // reaches here wrapped with that field's path; it is still malformed JSON: 400, not a field's 422
        var malformed = causeOfType(error, JsonParseException.class);
        if (malformed != null) {
            return new BadJson(400, notJson(malformed), List.of());
        }
        // past a limit on the document (nesting, a number's digits, a string's length)
        var tooBig = causeOfType(error, StreamConstraintsException.class);
        if (tooBig != null) {
            return new BadJson(400, notJson(tooBig), List.of());
        }
        if (error instanceof MismatchedInputException trailing
                && String.valueOf(trailing.getOriginalMessage()).startsWith("Trailing token")) {
            return new BadJson(400, notJson(trailing), List.of());
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
        return new BadJson(400, notJson(error), List.of());
    }

    /** "The request body is not valid JSON: (what, in Quire's words) (line L, column C)." */
    private static String notJson(JsonProcessingException error) {
        String original = String.valueOf(error.getOriginalMessage());
        String what = "it does not follow the JSON grammar";
        for (var rule : SYNTAX) {
            Matcher match = rule.getKey().matcher(original);
            if (match.lookingAt()) {
                var words = new StringBuilder();
                match.appendReplacement(words, rule.getValue());
                what = words.toString();
                break;
            }
        }
        JsonLocation at = error.getLocation();
        String where = at == null || at.getLineNr() < 1
                ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return "The request body is not valid JSON: " + what + where + ".";
    }

    private static Map.Entry<Pattern, String> rule(String pattern, String words) {
        return Map.entry(Pattern.compile(pattern, Pattern.DOTALL), words);
    }

    private static <T extends Throwable> T causeOfType(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
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
