package io.lamina.cache.tests.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounded polling for the topologies: a condition is asked every few milliseconds until it holds or
 * the deadline passes; the failure names what was awaited, the last reason it did not hold, and the
 * diagnostics (typically the tails of the nodes' logs).
 */
final class Waits {

    private static final long POLL_MILLIS = 25;

    private Waits() {
    }

    /**
     * A condition that says why it does not hold yet.
     */
    @FunctionalInterface
    interface Check {
        /** @return {@code null} when the condition holds, else what is still missing */
        String missing();
    }

    /**
     * Polls {@code check} until it returns {@code null}.
     *
     * @throws IllegalStateException after {@code timeout}, with {@code what}, the last reason and
     *                               {@code diagnostics}
     */
    static void until(Duration timeout, String what, Check check, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String missing;
        while (true) {
            try {
                missing = check.missing();
            } catch (RuntimeException e) {
                missing = e.toString();
            }
            if (missing == null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; last: " + missing + "\n" + diagnostics.get());
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }
}
