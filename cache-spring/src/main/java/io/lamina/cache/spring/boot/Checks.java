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

    static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}
