package io.lamina.cache;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to, for tests: both readings advance together. Thread-safe.
 */
public final class ManualClock implements CacheClock {

    private final AtomicLong nanos = new AtomicLong();
    private final long epochMillisAtZero;

    /** A clock whose wall time starts at 2030-01-01T00:00:00Z. */
    public ManualClock() {
        this(1_893_456_000_000L);
    }

    /** A clock whose wall time starts at {@code epochMillis}. */
    public ManualClock(long epochMillis) {
        this.epochMillisAtZero = epochMillis;
    }

    /** Moves time forward. @throws IllegalArgumentException if {@code amount} is negative */
    public ManualClock advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("a clock only moves forward, got " + amount);
        }
        nanos.addAndGet(amount.toNanos());
        return this;
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long currentTimeMillis() {
        return epochMillisAtZero + nanos.get() / 1_000_000L;
    }
}
