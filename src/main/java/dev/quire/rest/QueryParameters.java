package dev.quire.rest;

import dev.quire.shared.BadParameterException;
import dev.quire.shared.FieldError;
import dev.quire.shared.Text;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A resource's query parameters, read strictly: a parameter the resource does not take, one given twice, one
 * given empty ({@code author=}: leave it out to not filter), and every invalid value are noted while reading, and
 * {@link #check()} reports them all at once as a 400 naming each. Nothing is silently ignored or clamped.
 */
public final class QueryParameters {
    private final MultivaluedMap<String, String> values;
    private final List<FieldError> errors = new ArrayList<>();

    private QueryParameters(MultivaluedMap<String, String> values) {
        this.values = values;
    }

    public static QueryParameters of(MultivaluedMap<String, String> values, Set<String> accepted) {
        var parameters = new QueryParameters(values);
        for (var entry : values.entrySet()) {
            if (!accepted.contains(entry.getKey())) {
                parameters.invalid(entry.getKey(), "is not a parameter here (use " + String.join(", ",
                        accepted.stream().sorted().toList()) + ")");
            } else if (entry.getValue().size() > 1) {
                parameters.invalid(entry.getKey(), "is given more than once");
            } else if (entry.getValue().get(0).isEmpty()) {
                parameters.invalid(entry.getKey(), "is empty: leave it out, or give it a value");
            }
        }
        return parameters;
    }

    public void invalid(String name, String message) {
        errors.add(new FieldError(name, message));
    }

    /**
     * Text of at most {@code maxLength} characters without control characters, stripped of white space at either
     * end (see {@link Text#strip}); null when absent. Only white space is "must not be blank".
     */
    public String text(String name, int maxLength) {
        String value = value(name);
        if (value == null) {
            return null;
        }
        String text = Text.strip(value);
        if (text.isEmpty()) {
            invalid(name, "must not be blank");
        } else if (Text.length(text) > maxLength) {
            invalid(name, "must be at most " + maxLength + " characters");
        } else if (Text.isUnsafe(text, false)) {
            invalid(name, "must not contain control characters");
        } else {
            return text;
        }
        return null;
    }

    public Boolean bool(String name) {
        String value = value(name);
        if (value == null) {
            return null;
        }
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        invalid(name, "must be true or false");
        return null;
    }

    /** A whole number from {@code min} to {@code max}; {@code fallback} when absent. */
    public Integer integer(String name, int min, int max, Integer fallback) {
        String value = value(name);
        if (value == null) {
            return fallback;
        }
        if (value.matches("-?[0-9]{1,9}")) {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        }
        invalid(name, "must be a whole number from " + min + " to " + max);
        return fallback;
    }

    /** One of a fixed set of names; {@code fallback} when absent. */
    public <T> T choice(String name, T fallback, Function<String, Optional<T>> parse, String allowed) {
        String value = value(name);
        if (value == null) {
            return fallback;
        }
        var choice = parse.apply(value);
        if (choice.isEmpty()) {
            invalid(name, "must be one of " + allowed);
            return fallback;
        }
        return choice.get();
    }

    /** The parameter's value, or null when it is absent or already noted as invalid (one error a parameter). */
    private String value(String name) {
        for (FieldError error : errors) {
            if (error.field().equals(name)) {
                return null;
            }
        }
        return values.getFirst(name);
    }

    /** Whether nothing has been noted as invalid so far. */
    public boolean isValid() {
        return errors.isEmpty();
    }

    /** @throws BadParameterException naming every parameter noted as invalid */
    public void check() {
        if (!errors.isEmpty()) {
            throw new BadParameterException(errors);
        }
    }
}
