package io.sadump.hmc.security;

import io.sadump.machine.InvalidValueException;

/**
 * What a password must be (ASVS 5.0 6.2.1, 6.2.9): 8 to 128 characters, every character counted, no
 * composition rules and no expiry (ASVS 6.2.5, 6.2.10). Not the user's name.
 */
public final class PasswordRules {
    public static final int MIN = 8;
    public static final int MAX = 128;

    private PasswordRules() {}

    public static void check(String user, char[] password) {
        int n = Character.codePointCount(password, 0, password.length);
        if (n < MIN) {
            throw new InvalidValueException("a password has at least " + MIN + " characters");
        }
        if (n > MAX) {
            throw new InvalidValueException("a password has at most " + MAX + " characters");
        }
        if (new String(password).equalsIgnoreCase(user)) {
            throw new InvalidValueException("a password may not be the user's name");
        }
    }
}
