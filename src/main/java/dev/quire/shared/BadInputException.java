package dev.quire.shared;

/** The request as a whole cannot be used (an empty body, a bad query parameter): a 400 saying why. */
public class BadInputException extends DomainException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String detail) {
        super(Kind.BAD_REQUEST, detail);
    }
}
