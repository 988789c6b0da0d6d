package io.lamina.cache.spring.boot;

import java.time.Duration;

/** Checks of property values whose messages name the property and the value. */
final class Checks {

    private Checks() {
    }

    static Duration positive(String property, Duration value) {
        if (value == null) {
            throw new IllegalArgumentException(property + " must be set");
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be positive, got " + value);
        }
        return value;
    }

    static Duration notNegative(String property, Duration value) {
        if (value == null) {
            throw new IllegalArgumentException(property + " must be set");
        }
        if (value.isNegative()) {
            throw new IllegalArgumentException(property + " must not be negative, got " + value);
        }
        return value;
    }

    /**
     * The bytes of a base64 key of at least 32 bytes. A blank value is refused rather than read as "no key": an unset
     * environment variable must not turn signing off. Messages never quote the value (the decoder's would).
     */
    static byte[] base64Key(String property, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(property + " is empty; remove the property to run without signing");
        }
        byte[] key;
        try {
            key = java.util.Base64.getDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + " is not valid base64 (standard alphabet, e.g. `openssl rand -base64 32`)");
        }
        if (key.length < 32) {
            throw new IllegalArgumentException(property + " must decode to at least 32 bytes, got " + key.length);
        }
        return key;
    }

    static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}
