package io.lamina.cache.internal.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The invalidations Redis did not take (refused writes at {@code maxmemory}, an outage, an open breaker), kept
 * and sent again once it takes writes. Without it, a node that starts after the outage would read an entry from
 * Redis that was invalidated during it.
 *
 * <ul>
 *   <li><b>De-duplicated</b>: one intent per key, tag or cache; a repeated failure replaces the queued one (the newest
 *       intent wins), an {@code invalidateAll} of a cache covers every queued key of that cache, and a later write of
 *       the same key, tag or cache that Redis took removes what it covers ({@link #succeeded}).</li>
 *   <li><b>Never a value</b>: a failed put is queued as an invalidation of its key, so a replay that runs late can cost a
 *       reload, never bring an older value back over a newer one.</li>
 *   <li><b>Bounded</b>: at {@code capacity}, the queued keys of the cache with most of them are coalesced into one
 *       invalidateAll of that cache; with no keys left to coalesce, the queued tags into an invalidateAll of every cache
 *       this node knows. What was coalesced away is counted as dropped; nothing is lost silently.</li>
 *   <li><b>Replayed</b> on its own daemon thread, in batches, first {@link #FIRST_RETRY} after a failure, then with the
 *       delay doubling up to {@link #MAX_RETRY} while Redis still refuses. After Redis took an intent, this node's L1
 *       and tag view follow, and the invalidation is published again so other nodes drop their L1 copies; one whose
 *       message the bus did not take stays queued, to be announced again ({@link Intent#announcing}).</li>
 * </ul>
 *
 * <p>Thread-safe. Intents still queued when the template closes are counted as dropped.
 */
public final class ReplayQueue implements AutoCloseable {

    /** How many intents the queue holds by default. */
    public static final int DEFAULT_CAPACITY = 10_000;
    /** The delay before the first replay after a failure, and after Redis took a batch but more is queued. */
    static final Duration FIRST_RETRY = Duration.ofMillis(100);
    /** The longest delay between two replays while Redis keeps refusing. */
    static final Duration MAX_RETRY = Duration.ofSeconds(2);
    /** Intents sent together in one replay round. */
    static final int BATCH = 64;

    private static final System.Logger LOG = System.getLogger("io.lamina.cache");

    /** What a replay does; the queue only decides what, when, and how often. */
    public interface Actions {

        /** Sends the invalidation to Redis; completes with the new version (a tag, a cache) or 0 (a key). Never throws. */
        CompletableFuture<Long> send(Intent intent);

        /**
         * Sends the removal of several keys of one cache together (one bus message for them all); completes when all of
         * it is done, fails if any part fails. Never throws. The default sends each one.
         */
        default CompletableFuture<Void> sendKeys(String cache, List<Intent> keys) {
            List<CompletableFuture<Long>> each = new ArrayList<>(keys.size());
            for (Intent key : keys) {
                each.add(send(key));
            }
            return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]));
        }

        /**
         * After Redis took {@code intent}: this node's L1 and tag view, then the bus. Runs on the replay thread.
         *
         * @return whether the bus took its message (or there is no bus); if not, the intent stays queued, to be announced
         *         again (a tag or cache at the same version, without a new one)
         */
        boolean applied(Intent intent, long version);

        /** The caches this node knows (what queued tags are coalesced into on overflow). */
        Collection<String> caches();
    }

    private final Actions actions;
    private final int capacity;
    private final long waitNanos;
    private final String namespace;
    private final LinkedHashMap<String, Intent> queue = new LinkedHashMap<>();
    private final Map<String, Integer> keysPerCache = new HashMap<>();
    private final LongAdder queued = new LongAdder();
    private final LongAdder replayed = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final ScheduledExecutorService timer;
    /** {@code queue.size()} as of the last change, read without the lock: the common case (nothing queued) costs no lock. */
    private volatile int size;
    private boolean scheduled;
    private boolean closed;
    private long retryNanos = FIRST_RETRY.toNanos();

    /**
     * @param operationTimeout how long one remote call may take (a replay round waits that long plus a second)
     */
    public ReplayQueue(String namespace, Actions actions, int capacity, Duration operationTimeout) {
        if (capacity < 1) {
            throw new IllegalArgumentException("replay queue capacity must be at least 1, got " + capacity);
        }
        this.namespace = namespace;
        this.actions = actions;
        this.capacity = capacity;
        this.waitNanos = operationTimeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "lamina-replay-" + namespace);
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.timer = t;
    }

    /** Redis did not take {@code intent}: keep it (de-duplicated, bounded) and replay it later. */
    public void failed(Intent intent) {
        synchronized (this) {
            if (closed || covered(intent)) {
                return;
            }
            String id = intent.id();
            Intent queued = queue.remove(id);
            if (queued != null) {
                // the newest intent, at the end; counted once; one Redis has still to take wins over an announcement
                queue.put(id, intent.announceOnly() && !queued.announceOnly() ? queued : intent);
            } else {
                if (intent.kind() == Intent.Kind.ALL) {
                    removeKeysOf(intent.cache());   // covered by it: not lost, not counted as dropped
                }
                while (queue.size() >= capacity && !covered(intent)) {
                    makeRoom();
                }
                if (covered(intent)) {
                    if (intent.kind() != Intent.Kind.ALL) {
                        dropped.increment();   // coalesced into a broader intent before it was even queued
                    }
                    size = queue.size();
                    schedule(retryNanos);
                    return;
                }
                add(intent);
            }
            size = queue.size();
            schedule(retryNanos);
        }
    }

    /**
     * Redis took a later write of this node that covers {@code intent} (a put or invalidate of the key, a new version
     * of the tag, an invalidateAll of the cache): what it covers no longer needs a replay.
     */
    public void succeeded(Intent intent) {
        if (size == 0) {
            return;   // every write on a healthy Redis comes here: no lock then
        }
        synchronized (this) {
            if (intent.kind() == Intent.Kind.ALL) {
                removeKeysOf(intent.cache());
            }
            remove(intent.id());
            size = queue.size();
        }
    }

    /** Intents queued now. */
    public int pending() {
        return size;
    }

    /** Intents ever queued (a repeated failure of a queued key, tag or cache is not counted again). */
    public long queued() {
        return queued.sum();
    }

    /** Intents Redis took on a replay and the bus announced. */
    public long replayed() {
        return replayed.sum();
    }

    /** Intents coalesced into broader ones on overflow, or still queued when the template closed. */
    public long dropped() {
        return dropped.sum();
    }

    @Override
    public void close() {
        int left;
        synchronized (this) {
            closed = true;
            left = queue.size();
            queue.clear();
            keysPerCache.clear();
            size = 0;
        }
        timer.shutdownNow();
        if (left > 0) {
            dropped.add(left);
            LOG.log(System.Logger.Level.WARNING, "namespace '" + namespace + "': " + left + " invalidations Redis did not take"
                    + " were still queued for replay when the template closed; they are dropped (entries expire with their TTL)");
        }
    }

    /** Redis took {@code intent} but the bus did not take its message: queued again unless a newer intent replaced it. */
    private synchronized void requeue(Intent intent) {
        if (closed || covered(intent) || queue.containsKey(intent.id())) {
            return;   // a newer intent of the same key, tag or cache is queued: its replay announces it
        }
        queue.put(intent.id(), intent);   // counted as queued once, when it first failed
        if (intent.kind() == Intent.Kind.KEY) {
            keysPerCache.merge(intent.cache(), 1, Integer::sum);
        }
        size = queue.size();
    }

    // ---- the queue (guarded by this) ------------------------------------------------------------------

    private boolean covered(Intent intent) {
        return intent.kind() == Intent.Kind.KEY && queue.containsKey(Intent.all(intent.cache()).id());
    }

    private void add(Intent intent) {
        queue.put(intent.id(), intent);
        queued.increment();
        if (intent.kind() == Intent.Kind.KEY) {
            keysPerCache.merge(intent.cache(), 1, Integer::sum);
        }
    }

    private Intent remove(String id) {
        Intent removed = queue.remove(id);
        if (removed != null && removed.kind() == Intent.Kind.KEY) {
            keysPerCache.computeIfPresent(removed.cache(), (c, n) -> n > 1 ? n - 1 : null);
        }
        return removed;
    }

    private int removeKeysOf(String cache) {
        if (!keysPerCache.containsKey(cache)) {
            return 0;
        }
        int removed = 0;
        for (Iterator<Intent> it = queue.values().iterator(); it.hasNext(); ) {
            Intent i = it.next();
            if (i.kind() == Intent.Kind.KEY && i.cache().equals(cache)) {
                it.remove();
                removed++;
            }
        }
        keysPerCache.remove(cache);
        return removed;
    }

    /** Full: coalesce the most keys of one cache into its invalidateAll; else every tag into invalidateAll of every cache. */
    private void makeRoom() {
        String widest = null;
        int most = 0;
        for (Map.Entry<String, Integer> e : keysPerCache.entrySet()) {
            if (e.getValue() > most) {
                widest = e.getKey();
                most = e.getValue();
            }
        }
        if (widest != null) {
            dropped.add(removeKeysOf(widest));
            if (!queue.containsKey(Intent.all(widest).id())) {
                add(Intent.all(widest));
            }
            LOG.log(System.Logger.Level.WARNING, "namespace '" + namespace + "': the replay queue is full (" + capacity
                    + "); " + most + " queued key invalidations of cache '" + widest + "' become one invalidateAll of it");
            return;
        }
        int tags = 0;
        for (Iterator<Intent> it = queue.values().iterator(); it.hasNext(); ) {
            if (it.next().kind() == Intent.Kind.TAG) {
                it.remove();
                tags++;
            }
        }
        if (tags > 0) {
            dropped.add(tags);
            for (String cache : actions.caches()) {
                if (!queue.containsKey(Intent.all(cache).id())) {
                    add(Intent.all(cache));
                }
            }
            LOG.log(System.Logger.Level.WARNING, "namespace '" + namespace + "': the replay queue is full (" + capacity
                    + "); " + tags + " queued tag invalidations become an invalidateAll of every cache of this node");
        }
        if (queue.size() >= capacity) {
            // only whole caches are left (more caches than capacity): the oldest goes; its entries expire with their TTL
            Iterator<Intent> oldest = queue.values().iterator();
            Intent gone = oldest.next();
            oldest.remove();
            dropped.increment();
            LOG.log(System.Logger.Level.WARNING, "namespace '" + namespace + "': the replay queue is full (" + capacity
                    + "); the queued invalidateAll of cache '" + gone.cache() + "' is dropped");
        }
    }

    private void schedule(long delayNanos) {
        if (!scheduled && !closed) {
            scheduled = true;
            try {
                timer.schedule(this::replay, delayNanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                scheduled = false;   // closing
            }
        }
    }

    // ---- the replay (on the timer thread) -------------------------------------------------------------

    private void replay() {
        List<Intent> batch = new ArrayList<>(BATCH);
        synchronized (this) {
            scheduled = false;
            for (Intent i : queue.values()) {
                if (batch.size() == BATCH) {
                    break;
                }
                batch.add(i);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        // the keys of one cache go together (one removal per server or slot group, one bus message); the rest one by one
        Map<String, List<Intent>> keysOf = new LinkedHashMap<>();
        for (Intent i : batch) {
            if (i.kind() == Intent.Kind.KEY && !i.announceOnly()) {
                keysOf.computeIfAbsent(i.cache(), c -> new ArrayList<>()).add(i);
            }
        }
        Map<String, CompletableFuture<Long>> removals = new HashMap<>();
        keysOf.forEach((cache, keys) -> {
            CompletableFuture<Void> f;
            try {
                f = keys.size() == 1 ? actions.send(keys.get(0)).thenApply(v -> null) : actions.sendKeys(cache, keys);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            removals.put(cache, f.thenApply(v -> 0L));
        });
        List<CompletableFuture<Long>> sent = new ArrayList<>(batch.size());
        for (Intent i : batch) {
            CompletableFuture<Long> f;
            if (i.kind() == Intent.Kind.KEY && !i.announceOnly()) {
                f = removals.get(i.cache());
            } else {
                try {
                    f = actions.send(i);
                } catch (RuntimeException e) {
                    f = CompletableFuture.failedFuture(e);
                }
            }
            sent.add(f);
        }
        long deadline = System.nanoTime() + waitNanos;
        boolean allTaken = true;
        for (int n = 0; n < batch.size(); n++) {
            Intent intent = batch.get(n);
            Long version;
            try {
                version = sent.get(n).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                allTaken = false;
                continue;
            }
            synchronized (this) {
                if (queue.get(intent.id()) == intent) {   // not replaced by a newer failure meanwhile: that one goes again
                    remove(intent.id());
                }
                size = queue.size();
            }
            long taken = version == null ? 0 : version;
            boolean announced;
            try {
                announced = actions.applied(intent, taken);
            } catch (RuntimeException e) {
                announced = true;   // this node's own view failed to follow: nothing a replay would do better
                LOG.log(System.Logger.Level.WARNING, "namespace '" + namespace + "': applying a replayed invalidation on this node failed", e);
            }
            if (announced) {
                replayed.increment();
            } else {
                allTaken = false;
                requeue(intent.announcing(taken));
            }
        }
        synchronized (this) {
            retryNanos = allTaken ? FIRST_RETRY.toNanos() : Math.min(retryNanos * 2, MAX_RETRY.toNanos());
            if (!queue.isEmpty()) {
                schedule(allTaken ? 0 : retryNanos);
            }
        }
    }
}
