package io.lamina.cache;

/**
 * A snapshot of one named cache's counters since the template was built. Every {@code remember} call is
 * exactly one of: an L1 hit, an L2 hit, or a miss (it ran the loader or waited for a load already
 * running).
 *
 * @param requests       remember and getIfPresent calls
 * @param l1Hits         calls answered by the in-process tier
 * @param l2Hits         calls answered by the remote tier
 * @param misses         calls answered by neither
 * @param nullHits       hits (either tier) that returned a cached null
 * @param loadSuccesses  loader runs that returned a value (null included)
 * @param loadFailures   loader runs that threw or timed out
 * @param totalLoadNanos time spent in loaders, successful or not
 * @param puts           explicit puts
 * @param evictions      L1 entries evicted for size
 * @param l2Errors       remote-tier operations that failed and were treated as misses
 * @param decodeFailures stored entries that could not be read and were treated as misses
 * @param staleServed    calls answered with a stale value kept by fail-safe (a load failed or timed out)
 * @param refreshesStarted   background refreshes started (a read past the refresh point)
 * @param refreshesCompleted background refreshes that stored a new value (or found one another node stored)
 * @param refreshesFailed    background refreshes whose loader failed (the current value stays)
 * @param refreshesRejected  refreshes the bounded refresh pool had no room for
 * @param refreshesSkipped   refreshes left to another node that held the key's fill lease
 * @param loadTimeouts       loads that ran past the soft or hard timeout
 * @param lockWaits          misses that found another node loading the key (its fill lease), waited, and got its value
 * @param lockTimeouts       misses that found another node loading the key and gave up after {@code lockWait}
 * @param totalLockWaitNanos time misses spent waiting for another node's load (both of the above)
 * @param unaskedKeys        keys a {@code rememberAll} loader returned without being asked for them (ignored)
 * @param shapeMismatches    stored entries written with another shape of the value's type (another version of the
 *                           class: another codec fingerprint), treated as misses and reloaded; counted on every read
 *                           that meets one (a miss may read the entry twice: before and under the lock)
 * @param signatureFailures  stored entries whose signature did not verify on a node with a signing key (unsigned,
 *                           signed with a key this node does not accept, forged, or copied from another key), treated
 *                           as misses and reloaded; counted on every read that meets one; always 0 without a key
 */
public record CacheStats(
        long requests,
        long l1Hits,
        long l2Hits,
        long misses,
        long nullHits,
        long loadSuccesses,
        long loadFailures,
        long totalLoadNanos,
        long puts,
        long evictions,
        long l2Errors,
        long decodeFailures,
        long staleServed,
        long refreshesStarted,
        long refreshesCompleted,
        long refreshesFailed,
        long refreshesRejected,
        long refreshesSkipped,
        long loadTimeouts,
        long lockWaits,
        long lockTimeouts,
        long totalLockWaitNanos,
        long unaskedKeys,
        long shapeMismatches,
        long signatureFailures) {

    /** A snapshot with every counter at zero. */
    public static final CacheStats EMPTY = new CacheStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Hits of either tier divided by requests; 1.0 when there were no requests. */
    public double hitRatio() {
        return ratio(l1Hits + l2Hits, requests);
    }

    /** L1 hits divided by requests; 1.0 when there were no requests. */
    public double l1HitRatio() {
        return ratio(l1Hits, requests);
    }

    /** L2 hits divided by the requests that reached L2 (those L1 missed); 1.0 when none did. */
    public double l2HitRatio() {
        return ratio(l2Hits, l2Hits + misses);
    }

    /** Loads, successful or not. */
    public long loads() {
        return loadSuccesses + loadFailures;
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 1.0 : (double) part / whole;
    }
}
