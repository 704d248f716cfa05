package dev.quire.shared;

import java.util.List;

/** Query parameters or request headers with values Quire cannot use: a 400 naming each of them. */
public final class BadParameterException extends BadInputException {
    private static final long serialVersionUID = 1L;

    private final transient List<FieldError> errors;

    public BadParameterException(String parameter, String message) {
        this(List.of(new FieldError(parameter, message)));
    }

    public BadParameterException(List<FieldError> errors) {
        super(errors.size() == 1
                ? errors.get(0).field() + " " + errors.get(0).message()
                : errors.size() + " parameters are invalid");
        this.errors = List.copyOf(errors);
    }

    @Override
    public List<FieldError> errors() {
        return errors;
    }
}
