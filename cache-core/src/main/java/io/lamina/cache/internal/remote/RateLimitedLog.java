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
            LOG.log(Level.WARNING, text + ": " + describe(cause));
        } else {
            suppressed.incrementAndGet();
        }
    }

    /**
     * The failure with its root cause, which is where Redis's own reply is (a connection failure wraps the
     * {@code WRONGPASS} of the handshake); authentication failures are named as such. Redis error replies carry no
     * values or secrets.
     */
    static String describe(Throwable cause) {
        if (cause == null) {
            return "null";
        }
        Throwable root = cause;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 16; depth++) {
            root = root.getCause();
        }
        String rootMessage = String.valueOf(root.getMessage()).trim();
        if (rootMessage.startsWith("WRONGPASS") || rootMessage.startsWith("NOAUTH")) {
            return "Redis authentication failed (" + rootMessage + "); check the configured user name and password";
        }
        return root == cause ? cause.toString() : cause + " (caused by " + root + ")";
    }
}
