package io.lamina.cache;

/** The state of the remote tier's circuit breaker, as {@link NodeStats#breakerState()} and the meters report it. */
public enum BreakerState {
    /** Calls are sent to the remote tier. */
    CLOSED,
    /** The remote tier failed too often: nothing is sent, every remote read is a miss, until the breaker probes again. */
    OPEN,
    /** A few probe calls are sent to learn whether the remote tier is back. */
    HALF_OPEN;

    /** The lower-case name used as a meter tag value ({@code closed}, {@code open}, {@code half_open}). */
    public String tagValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
