package io.lamina.cache.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Group commit of one cache's single-key invalidations: while one batch is on its way to Redis, the invalidations that
 * arrive meanwhile wait together, and go as the next batch (one script per slot group and one bus message) as soon as
 * it returns. A call that finds nothing in flight is sent at once, alone: no timer, no added latency when calls do not
 * overlap.
 *
 * <p>Each batch is sent by a caller's thread, never by an I/O thread: the first caller of a batch leads it, and hands
 * the next batch to its first waiter. Every caller returns once its own batch has been answered (or failed), and learns
 * whether Redis took it. At most {@link #MAX_BATCH} callers wait; one that finds the queue full is sent alone at once.
 * A leader's send is bounded by the remote tier's timeouts, so a waiter's wait is too. Thread-safe.
 */
final class GroupCommit {

    /** Most invalidations in one batch (and in its bus message). */
    static final int MAX_BATCH = 256;

    private final Object lock = new Object();
    private boolean busy;                                   // guarded by lock
    private List<Waiter> waiting = new ArrayList<>();       // guarded by lock

    /** One caller's key; completed with Boolean (its batch's outcome) or with the batch it now leads. */
    private record Waiter(String formatted, CompletableFuture<Object> signal) {
    }

    /**
     * Invalidates {@code formatted} in Redis, with the keys of other callers meanwhile. Returns whether Redis took it.
     *
     * @param send sends one batch of keys (string forms, distinct) to Redis with its message, waits for the answer
     *             (bounded) and returns whether Redis took it; must not throw for a remote failure. A batch is sent by
     *             its leader's {@code send}, so every caller passes one that does the same (the template's bus)
     */
    @SuppressWarnings("unchecked")
    boolean invalidate(String formatted, Predicate<List<String>> send) {
        Waiter me = new Waiter(formatted, new CompletableFuture<>());
        List<Waiter> batch;
        synchronized (lock) {
            if (!busy) {
                busy = true;
                batch = List.of(me);
            } else if (waiting.size() < MAX_BATCH) {
                waiting.add(me);
                batch = null;
            } else {
                batch = null;
                me = null;
            }
        }
        if (me == null) {
            return send.test(List.of(formatted));   // the queue is full: alone, beside the batches
        }
        if (batch == null) {
            // the previous leader's send is bounded by the remote tier's timeouts, and it always signals (finally)
            Object signal = me.signal().join();
            if (signal instanceof Boolean taken) {
                return taken;
            }
            batch = (List<Waiter>) signal;
        }
        return lead(batch, me, send);
    }

    private boolean lead(List<Waiter> batch, Waiter me, Predicate<List<String>> send) {
        boolean taken = false;
        try {
            taken = send.test(batch.size() == 1 ? List.of(me.formatted()) : distinctKeys(batch));
        } finally {
            for (Waiter w : batch) {
                if (w != me) {
                    w.signal().complete(taken);
                }
            }
            handOver();
        }
        return taken;
    }

    /** Two callers of one key: the key once in the script and in the message. */
    private static List<String> distinctKeys(List<Waiter> batch) {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        for (Waiter w : batch) {
            keys.add(w.formatted());
        }
        return new ArrayList<>(keys);
    }

    /** How many calls wait for the batch in flight now (for tests). */
    int waiting() {
        synchronized (lock) {
            return waiting.size();
        }
    }

    /** The next batch to its first waiter, who sends it; or nothing in flight any more. */
    private void handOver() {
        List<Waiter> next;
        synchronized (lock) {
            if (waiting.isEmpty()) {
                busy = false;
                return;
            }
            next = waiting;
            waiting = new ArrayList<>();
        }
        next.get(0).signal().complete(next);
    }
}
