package io.sadump.hmc.security;

/**
 * No machine of that name for this user: unknown, or outside the role's scope (the two answer alike, so
 * the answer does not tell which machines exist; the WS API's 404).
 */
public final class ObjectNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ObjectNotFoundException(String machine) {
        super("no machine '" + machine + "'");
    }
}
