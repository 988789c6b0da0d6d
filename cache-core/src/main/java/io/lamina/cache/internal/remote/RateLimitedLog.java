package io.lamina.cache.internal.remote;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/** A warning that is logged at most once per interval; the lines in between are counted, not lost. */
public final class RateLimitedLog {

    private static final System.Logger LOG = System.getLogger("io.lamina.cache");
    private static final long INTERVAL_NANOS = 10_000_000_000L;

    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public void warn(String message, Throwable cause) {
        long now = System.nanoTime();
        long due = next.get();
        if ((due == Long.MIN_VALUE || now - due >= 0) && next.compareAndSet(due, now + INTERVAL_NANOS)) {
            long skipped = suppressed.getAndSet(0);
            String text = skipped > 0 ? message + " (" + skipped + " similar lines suppressed)" : message;
            LOG.log(Level.WARNING, text + ": " + cause);
        } else {
            suppressed.incrementAndGet();
        }
    }
}
