package io.lamina.cache.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The shared tier (L2): stores envelope bytes by {@link RemoteKey}, with the fill lease that makes
 * loads fenced, and the lock across JVMs.
 *
 * <p>Every method returns at once with a stage; the stage completes exceptionally when the remote tier
 * fails, times out, or is known to be down ({@link RemoteUnavailableException}). Callers treat any such
 * failure as a miss. Implementations must be thread-safe, bound every wait by configured timeouts, and
 * never queue commands while disconnected.
 *
 * <p>Fencing contract (memcache leases): {@link #getOrLease} hands out a lease token for a key;
 * {@link #fill} stores only while the key's lease still holds that token; {@link #put} and
 * {@link #invalidate} remove the lease, so a load that started before them can no longer store.
 */
public interface RemoteTier extends AutoCloseable {

    /** The stored bytes of {@code key}, or null. Exactly one command on the wire. */
    CompletionStage<byte[]> get(RemoteKey key);

    /**
     * Reads {@code key} and takes its fill lease for {@code token} in one atomic step. With
     * {@code onlyIfFree} the lease is taken only if no one holds it; otherwise it replaces any holder
     * (the caller holds the lock).
     */
    CompletionStage<LeaseResult> getOrLease(RemoteKey key, String token, Duration leaseTtl, boolean onlyIfFree);

    /**
     * The first step of a miss: the stored bytes of {@code key} if there are any (and then no lease is taken), else the
     * fill lease for {@code token} if no one holds it. An implementation should make it one round trip; the default is
     * two, {@link #get} and then, when nothing is stored, {@link #getOrLease} only if free.
     */
    default CompletionStage<LeaseResult> readOrLease(RemoteKey key, String token, Duration leaseTtl) {
        return get(key).thenCompose(value -> value != null
                ? java.util.concurrent.CompletableFuture.completedFuture(new LeaseResult(value, false, 0L))
                : getOrLease(key, token, leaseTtl, true));
    }

    /** Stores {@code value} for {@code ttl} if the lease of {@code key} still holds {@code token}, and ends the lease. */
    CompletionStage<Boolean> fill(RemoteKey key, String token, byte[] value, Duration ttl);

    /**
     * Ends the fill lease of {@code key} if it still holds {@code token} (a load that will not fill gives its lease
     * back). The default does nothing: the lease then expires after {@link #lockLease()}, and until then other nodes
     * wait for it up to their lock wait.
     */
    default CompletionStage<Void> releaseLease(RemoteKey key, String token) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** Stores {@code value} for {@code ttl} unconditionally and ends any lease, fencing running loads. */
    CompletionStage<Void> put(RemoteKey key, byte[] value, Duration ttl);

    /** Removes {@code key} and its lease, fencing running loads. */
    CompletionStage<Void> invalidate(RemoteKey key);

    /**
     * {@link #invalidate(RemoteKey)}, then publishes {@code message} on {@code channel} of {@link #bus()}: the message
     * announcing the invalidation to the other nodes, published only once the key is gone. Completes when both are
     * done, and fails if either fails. The default makes the two calls in turn; an implementation that can do both in
     * one round trip (Redis: one script) should.
     */
    default CompletionStage<Void> invalidate(RemoteKey key, String channel, byte[] message) {
        return invalidate(key).thenCompose(done -> bus().publish(channel, message));
    }

    /**
     * Invalidates a tag: sets its version to a value above every earlier one (at least the remote clock
     * in microseconds, and above the current version), with {@code ttl}. O(1) whatever the number of
     * tagged entries. Completes with the new version.
     */
    CompletionStage<Long> invalidateTag(TagKey tag, Duration ttl);

    /** The current version of a tag, or null when the tag has none (never set, expired or lost). */
    CompletionStage<Long> tagVersion(TagKey tag);

    /**
     * The current version of a tag, creating it at {@code stamp} when it has none (at the remote clock in
     * microseconds when {@code stamp} is 0), and keeping it for {@code ttl}. A load calls it with its lease
     * stamp, so a tag first seen by that load is current; before its lease, with 0, so its stamp is above it.
     */
    CompletionStage<Long> ensureTag(TagKey tag, long stamp, Duration ttl);

    // ---- bulk operations (rememberAll, putAll) ---------------------------------------------------------
    // The defaults loop over the single-key methods, all started at once, so any implementation works; an
    // efficient one sends a constant number of commands per server (per cluster slot: keys of one script or
    // MGET must share a slot).

    /**
     * The stored bytes of each key (null where absent), in the order of {@code keys}. Fails as a whole when any
     * read fails.
     */
    default CompletionStage<List<byte[]>> getAll(List<RemoteKey> keys) {
        List<CompletableFuture<byte[]>> reads = new ArrayList<>(keys.size());
        for (RemoteKey key : keys) {
            reads.add(get(key).toCompletableFuture());
        }
        return all(reads);
    }

    /**
     * {@link #getOrLease} of each key with {@code onlyIfFree}: reads every entry and takes each free fill lease
     * for its token. Results in the order of {@code keys}; fails as a whole when any step fails (leases already
     * taken then run out after {@code leaseTtl}).
     */
    default CompletionStage<List<LeaseResult>> leaseAll(List<RemoteKey> keys, List<String> tokens, Duration leaseTtl) {
        List<CompletableFuture<LeaseResult>> leases = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            leases.add(getOrLease(keys.get(i), tokens.get(i), leaseTtl, true).toCompletableFuture());
        }
        return all(leases);
    }

    /** {@link #fill} of each key; whether each was stored, in the order of {@code keys}. */
    default CompletionStage<List<Boolean>> fillAll(List<RemoteKey> keys, List<String> tokens, List<byte[]> values,
            List<Duration> ttls) {
        List<CompletableFuture<Boolean>> fills = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            fills.add(fill(keys.get(i), tokens.get(i), values.get(i), ttls.get(i)).toCompletableFuture());
        }
        return all(fills);
    }

    /** {@link #put} of each key (a null value: {@link #invalidate} of it). */
    default CompletionStage<Void> putAll(List<RemoteKey> keys, List<byte[]> values, List<Duration> ttls) {
        List<CompletableFuture<Void>> puts = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            byte[] value = values.get(i);
            puts.add((value == null ? invalidate(keys.get(i)) : put(keys.get(i), value, ttls.get(i))).toCompletableFuture());
        }
        return CompletableFuture.allOf(puts.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * {@link #invalidate(RemoteKey)} of every key, then, when {@code channel} is not null, publishes {@code message} on
     * it: one invalidation message announcing them all, published only once every key is gone. Completes when all of
     * it is done, and fails if any part fails. The default removes the keys one by one (all started at once), then
     * publishes; an efficient implementation sends one command per server (per cluster slot group) and publishes from
     * the last of them.
     */
    default CompletionStage<Void> invalidateAll(List<RemoteKey> keys, String channel, byte[] message) {
        List<CompletableFuture<Void>> removals = new ArrayList<>(keys.size());
        for (RemoteKey key : keys) {
            removals.add(invalidate(key).toCompletableFuture());
        }
        CompletableFuture<Void> removed = CompletableFuture.allOf(removals.toArray(new CompletableFuture<?>[0]));
        return channel == null ? removed : removed.thenCompose(done -> bus().publish(channel, message));
    }

    private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> stages) {
        return CompletableFuture.allOf(stages.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
            List<T> out = new ArrayList<>(stages.size());
            for (CompletableFuture<T> stage : stages) {
                out.add(stage.join());
            }
            return out;
        });
    }

    /** The invalidation bus between the nodes of a namespace, or null if this tier has none. */
    InvalidationBus bus();

    /** The lock across JVMs. */
    DistributedLock lock();

    /** Whether calls are being sent (false while the circuit breaker is open). Cheap; no I/O. */
    boolean isAvailable();

    /**
     * Whether the tier is still building its clients (a Redis tier started in the background): calls made meanwhile
     * wait for it, within the caller's timeouts, or fail as misses. Cheap; no I/O. Default false.
     */
    default boolean isStarting() {
        return false;
    }

    /**
     * The circuit breaker's state now, for metrics. Cheap; no I/O. The default derives it from {@link #isAvailable()}
     * (an implementation without a half-open state reports {@code CLOSED} or {@code OPEN}).
     */
    default io.lamina.cache.BreakerState breakerState() {
        return isAvailable() ? io.lamina.cache.BreakerState.CLOSED : io.lamina.cache.BreakerState.OPEN;
    }

    /**
     * The lock path's circuit breaker now (the worst of them when there are several), for metrics. Cheap; no I/O. The
     * default is {@code CLOSED} (a tier without a breaker of its own for the lock).
     */
    default io.lamina.cache.BreakerState lockBreakerState() {
        return io.lamina.cache.BreakerState.CLOSED;
    }

    /**
     * The state of each circuit breaker by the path it guards (for health details), such as one per Redis primary
     * and one per primary for the lock. Cheap; no I/O. The default has one entry, {@code remote}: {@link #breakerState()}.
     */
    default java.util.Map<String, io.lamina.cache.BreakerState> breakerStates() {
        return java.util.Map.of("remote", breakerState());
    }

    /**
     * Counts of the tier's degraded-mode events since it was built, by event name (each only ever grows), for meters:
     * for Redis {@code link_resets} (connections found silent and reopened), {@code late_writes} (writes refused
     * because they arrived after their caller's timeout), {@code unlock_failures}, {@code failover_replays} and
     * {@code held_back_reads} (misses that read first because Redis held writes back). The
     * names must not change over the tier's life. Cheap; no I/O. The default has none.
     */
    default java.util.Map<String, Long> events() {
        return java.util.Map.of();
    }

    /**
     * How long a lock and a fill lease live when never released: longer than any load should take. A load
     * that outlives it is still returned to its callers but is not stored (its lease ran out).
     */
    Duration lockLease();

    /** Upper bound of one operation's latency, for callers that must wait synchronously. */
    Duration operationTimeout();

    /** Releases clients this tier created. Idempotent. */
    @Override
    void close();
}
