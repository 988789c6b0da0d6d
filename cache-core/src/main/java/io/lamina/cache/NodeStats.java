package io.lamina.cache;

/**
 * A snapshot of one template's node-level counters: its side of the invalidation bus and the state of its remote
 * tier. Works without Micrometer. Counters start at zero when the template is built.
 *
 * @param invalidationsSent     invalidation messages this node published (put, invalidate, invalidateTags,
 *                              invalidateAll; heartbeats not counted)
 * @param invalidationsReceived invalidation messages from other nodes that this node applied
 * @param invalidationsFailed   invalidation writes Redis did not take (a tag's new version or a publish); other
 *                              nodes then rely on their gap flush and L1 TTL cap
 * @param busReconnects         times the invalidation subscription became healthy again after a gap
 * @param l1Flushes             whole-L1 flushes of this node: one when a gap begins, one when it ends (a node starts
 *                              in a gap, so its first healthy moment counts one)
 * @param busHealthy            whether invalidation messages flow now; false without a bus
 * @param remote                whether the template has a remote tier
 * @param breakerState          the remote tier's circuit breaker now (its data path: entries and tags; the worst of
 *                              them on a Cluster); {@link BreakerState#CLOSED} without a remote tier
 * @param lockBreakerState      the circuit breaker of the lock path now (the worst lock route); an open one never
 *                              refuses reads, misses then go on without the lock; {@link BreakerState#CLOSED} without one
 * @param replaysQueued         invalidations Redis did not take (invalidate, put, invalidateTags, invalidateAll) queued
 *                              for a replay, one per key, tag or cache (a repeated failure is not counted again)
 * @param replaysDone           queued invalidations Redis took on a replay and the bus announced
 * @param replaysDropped        queued invalidations coalesced into a broader one when the queue was full, or still
 *                              queued when the template closed
 * @param replaysPending        invalidations queued for a replay now
 * @param openPaths             circuit breakers open now, each guarding one path (on a Cluster, one per primary for data
 *                              and one per primary for the lock)
 * @param remoteEvents          the remote tier's degraded-mode events so far, by name ({@code RemoteTier.events()}:
 *                              for Redis {@code link_resets}, {@code late_writes}, {@code unlock_failures},
 *                              {@code failover_replays}, {@code held_back_reads}); empty without a remote tier
 */
public record NodeStats(
        long invalidationsSent,
        long invalidationsReceived,
        long invalidationsFailed,
        long busReconnects,
        long l1Flushes,
        boolean busHealthy,
        boolean remote,
        BreakerState breakerState,
        BreakerState lockBreakerState,
        long replaysQueued,
        long replaysDone,
        long replaysDropped,
        long replaysPending,
        int openPaths,
        java.util.Map<String, Long> remoteEvents) {

    public NodeStats {
        remoteEvents = java.util.Map.copyOf(remoteEvents);
    }

    /** The counters without the open paths and the remote tier's events. */
    public NodeStats(long invalidationsSent, long invalidationsReceived, long invalidationsFailed, long busReconnects,
            long l1Flushes, boolean busHealthy, boolean remote, BreakerState breakerState, BreakerState lockBreakerState,
            long replaysQueued, long replaysDone, long replaysDropped, long replaysPending) {
        this(invalidationsSent, invalidationsReceived, invalidationsFailed, busReconnects, l1Flushes, busHealthy, remote,
                breakerState, lockBreakerState, replaysQueued, replaysDone, replaysDropped, replaysPending, 0, java.util.Map.of());
    }

    /** The counters without the lock breaker and the replay queue (closed lock breaker, nothing queued). */
    public NodeStats(long invalidationsSent, long invalidationsReceived, long invalidationsFailed, long busReconnects,
            long l1Flushes, boolean busHealthy, boolean remote, BreakerState breakerState) {
        this(invalidationsSent, invalidationsReceived, invalidationsFailed, busReconnects, l1Flushes, busHealthy, remote,
                breakerState, BreakerState.CLOSED, 0, 0, 0, 0, 0, java.util.Map.of());
    }
}
