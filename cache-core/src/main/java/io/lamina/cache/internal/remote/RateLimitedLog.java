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
        log(message, cause, true);
    }

    /** A warning without a cause. */
    public void warn(String message) {
        log(message, null, false);
    }

    private void log(String message, Throwable cause, boolean withCause) {
        long now = System.nanoTime();
        long due = next.get();
        if ((due == Long.MIN_VALUE || now - due >= 0) && next.compareAndSet(due, now + INTERVAL_NANOS)) {
            long skipped = suppressed.getAndSet(0);
            String text = skipped > 0 ? message + " (" + skipped + " similar lines suppressed)" : message;
            LOG.log(Level.WARNING, printable(withCause ? text + ": " + describe(cause) : text));
        } else {
            suppressed.incrementAndGet();
        }
    }

    /**
     * {@code text} with every character that could forge or hide log content escaped as {@code \\uXXXX}: control
     * characters (line breaks among them: one warning is one line), U+0085, the line and paragraph separators
     * U+2028/U+2029 and the bidirectional controls (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which can reorder
     * what a reader sees. Text from Redis, the bus and exceptions reaches these lines.
     */
    public static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unsafe = Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u200e' || c == '\u200f'
                    || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
            if (unsafe) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * What went wrong, cause by cause (the root cause is often the one that names the problem: a refused password,
     * an unknown primary name), wrappers without a message of their own left out, credentials in URIs masked;
     * authentication failures are named as such (a connection failure wraps the {@code WRONGPASS} of the handshake).
     */
    static String describe(Throwable failure) {
        if (failure == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        String auth = null;
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t) && seen.size() <= 16; t = t.getCause()) {
            String message = t.getMessage();
            String trimmed = message == null ? "" : message.trim();
            if (trimmed.startsWith("WRONGPASS") || trimmed.startsWith("NOAUTH")) {
                auth = trimmed;
            }
            boolean wrapper = (t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                    && t.getCause() != null;
            if (wrapper || seen.size() > 6) {
                continue;
            }
            String part = t.getClass().getName() + (message == null ? "" : ": " + message);
            if (out.indexOf(part) < 0) {
                out.append(out.length() == 0 ? "" : "; caused by ").append(part);
            }
        }
        String text = auth != null ? "Redis authentication failed (" + auth + "); check the configured user name and password: " + out
                : out.toString();
        return text.replaceAll("(?<=://)([^:@/\\s]*):[^@/\\s]*@", "$1:***@");
    }
}
