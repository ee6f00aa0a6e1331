package io.sadump.hmc.web;

import io.sadump.machine.InvalidValueException;

/** The web console cannot start as configured (a bind without TLS, an unreadable key); the message says why. */
public final class WebConfigException extends InvalidValueException {
    private static final long serialVersionUID = 1L;

    public WebConfigException(String message) {
        super(message);
    }

    public WebConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
