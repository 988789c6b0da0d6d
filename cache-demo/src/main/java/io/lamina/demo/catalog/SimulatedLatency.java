package io.lamina.demo.catalog;

import java.time.Duration;

/**
 * Extra time every read query takes, so the embedded database behaves like a remote, loaded one (a stampede
 * needs a load slow enough for callers to pile up on it). Shared by the tour's two nodes; thread-safe.
 */
public final class SimulatedLatency {

    private volatile Duration latency;

    /** @param initial the extra time of every read, zero for none */
    public SimulatedLatency(Duration initial) {
        set(initial);
    }

    /** @param latency the extra time of every read from now on, zero or positive */
    public void set(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, got " + latency);
        }
        this.latency = latency;
    }

    /** @return the extra time of every read */
    public Duration get() {
        return latency;
    }

    void pause() {
        Duration current = latency;
        if (!current.isZero()) {
            try {
                Thread.sleep(current.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during a database query", e);
            }
        }
    }
}
