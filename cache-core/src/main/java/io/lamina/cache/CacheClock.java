package io.lamina.cache;

/**
 * The time source of a template: a monotonic nanosecond ticker for expiry in this JVM, and wall-clock
 * milliseconds for what is stored in the shared tier. Inject {@link ManualClock} in tests to move time
 * instead of sleeping. Implementations must be thread-safe.
 */
public interface CacheClock {

    /** Monotonic time in nanoseconds, like {@link System#nanoTime()}. */
    long nanoTime();

    /** Wall-clock time in epoch milliseconds, like {@link System#currentTimeMillis()}. */
    long currentTimeMillis();

    /** The system clock. */
    static CacheClock system() {
        return SystemClock.INSTANCE;
    }
}
