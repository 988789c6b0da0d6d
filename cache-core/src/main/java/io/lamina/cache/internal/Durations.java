package io.lamina.cache.internal;

import java.time.Duration;

/** Saturating nanosecond arithmetic: no TTL, however large, overflows. */
public final class Durations {

    /** Longest time span Lamina computes with: 100 years. Longer TTLs are treated as this. */
    public static final long MAX_NANOS = Duration.ofDays(36_500).toNanos();

    private Durations() {
    }

    /** {@code d} in nanoseconds, capped at {@link #MAX_NANOS}. */
    public static long toNanos(Duration d) {
        if (d.compareTo(Duration.ofDays(36_500)) >= 0) {
            return MAX_NANOS;
        }
        return d.toNanos();
    }

    /** {@code a + b}, or {@code Long.MAX_VALUE} on overflow. Both non-negative or a is a clock reading. */
    public static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }
}
