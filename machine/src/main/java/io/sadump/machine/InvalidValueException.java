package io.sadump.machine;

/**
 * A value given to sadump from outside (a size, a device number, a format name, a machine setting) is
 * not one sadump accepts; the message names the value and what would be accepted. It is an
 * {@link IllegalArgumentException}, as {@link NumberFormatException} is, so code that validates
 * arguments in general still sees it; a front end tells it apart from an argument error that is a bug
 * and reports it as a usage error.
 */
public class InvalidValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidValueException(String message) {
        super(message);
    }

    public InvalidValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
