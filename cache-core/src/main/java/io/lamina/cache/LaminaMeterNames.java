package io.lamina.cache;

/**
 * Every meter name, tag key and tag value Lamina publishes to Micrometer, in one place (no Micrometer type
 * appears here, so this class loads without Micrometer). The façade's meters use Micrometer's own cache names;
 * per-tier and Lamina-specific meters live under {@code lamina.cache.*}. Each name has exactly one tag-key set.
 *
 * <p>Per-cache meters carry {@value #TAG_CACHE} and {@value #TAG_NAMESPACE}; per-node meters carry
 * {@value #TAG_NAMESPACE} only. Every meter also carries the tags given to
 * {@link CacheTemplateBuilder#meterRegistry(io.micrometer.core.instrument.MeterRegistry, Iterable)}.
 * Counters are function counters over the same counters {@link CacheTemplate#stats} reads, so publishing them
 * adds no work to a cache call. The remote tier's meters ({@code tier=l2} gets, lock waits, remote errors, decode
 * failures, and every per-node meter) exist only on a template with a remote tier.
 */
public final class LaminaMeterNames {

    // ---- the façade, named like Micrometer's cache binders --------------------------------------------

    /** Counter: calls answered by L1 or L2 ({@code result=hit}) or by neither ({@code result=miss}). Tags: cache, namespace, result. */
    public static final String GETS = "cache.gets";
    /** Counter: explicit puts. Tags: cache, namespace. */
    public static final String PUTS = "cache.puts";
    /** Counter: L1 entries evicted for size. Tags: cache, namespace. */
    public static final String EVICTIONS = "cache.evictions";
    /** Gauge: entries in this node's L1 (an estimate, as Caffeine's). Tags: cache, namespace. */
    public static final String SIZE = "cache.size";
    /** Counter: loader runs that returned ({@code success}, null included) or threw or timed out ({@code failure}). Tags: cache, namespace, result. */
    public static final String LOADS = "cache.loads";
    /** Function timer: loader runs and the time spent in them, successful or not. Tags: cache, namespace. */
    public static final String LOAD_DURATION = "cache.load.duration";

    // ---- Lamina's, per cache ---------------------------------------------------------------------------

    /**
     * Counter: lookups per tier. {@code tier=l1}: every call, hit or miss; {@code tier=l2}: the calls L1 missed,
     * answered by L2 (hit) or not (miss). Tags: cache, namespace, tier, result.
     */
    public static final String TIER_GETS = "lamina.cache.tier.gets";
    /** Counter: hits (either tier) that returned a cached null, the penetration defence at work. Tags: cache, namespace. */
    public static final String NULL_HITS = "lamina.cache.null.hits";
    /**
     * Counter: misses that found another node loading the key and waited for its lock ({@code result=acquired}:
     * got it, then usually read the other node's value) or gave up after {@code lockWait} ({@code result=timeout}).
     * Tags: cache, namespace, result.
     */
    public static final String LOCK_WAITS = "lamina.cache.lock.waits";
    /**
     * Counter: misses and refreshes whose lock call failed (error, timeout, the lock path's breaker open) and that went
     * on without it: this JVM's single-flight, and the fill lease taken only if free. Reads and fills go on. Tags:
     * cache, namespace.
     */
    public static final String LOCK_FALLBACKS = "lamina.cache.lock.fallbacks";
    /** Function timer: the time misses spent waiting for another node's lock. Tags: cache, namespace. */
    public static final String LOCK_WAIT_DURATION = "lamina.cache.lock.wait.duration";
    /** Counter: calls answered with a stale value kept by fail-safe (a load failed or timed out). Tags: cache, namespace. */
    public static final String STALE_SERVED = "lamina.cache.stale.served";
    /** Keys a bulk loader returned without being asked for them (ignored): {@code lamina.cache.bulk.unasked{cache}}. */
    public static final String BULK_UNASKED = "lamina.cache.bulk.unasked";
    /** Counter: loads that ran past the soft or hard timeout. Tags: cache, namespace. */
    public static final String LOAD_TIMEOUTS = "lamina.cache.load.timeouts";
    /** Counter: background refreshes. Tags: cache, namespace, result=started|completed|failed|rejected|skipped. */
    public static final String REFRESHES = "lamina.cache.refreshes";
    /** Counter: remote-tier operations that failed (error, timeout, open breaker) and were treated as misses. Tags: cache, namespace. */
    public static final String REMOTE_ERRORS = "lamina.cache.remote.errors";
    /** Counter: stored entries that could not be read (corrupt, unknown format, wrong type) and were treated as misses. Tags: cache, namespace. */
    public static final String DECODE_FAILURES = "lamina.cache.decode.failures";
    /**
     * Counter: stored entries written with another shape of the value's type (another version of the class, seen by
     * the codec's fingerprint), treated as misses and reloaded; non-zero during a rolling deploy that changed a
     * cached class. Tags: cache, namespace.
     */
    public static final String SHAPE_MISMATCHES = "lamina.cache.shape.mismatches";
    /**
     * Counter: stored entries whose signature did not verify on a node with a signing key (unsigned, signed with a key
     * not accepted, forged, or copied from another key), treated as misses and reloaded. Tags: cache, namespace.
     */
    public static final String SIGNATURE_FAILURES = "lamina.cache.signature.failures";

    // ---- Lamina's, per node (template) ------------------------------------------------------------------

    /**
     * Counter: invalidation messages on the bus. {@code result=sent}: published by this node; {@code received}:
     * published by another node and applied here; {@code failed}: invalidation writes (a tag's new version, a
     * publish) that Redis did not take, so other nodes fall back on their gap flush and L1 TTL cap. Tags: namespace, result.
     */
    public static final String INVALIDATIONS = "lamina.cache.invalidations";
    /** Counter: times the invalidation subscription became healthy again after a gap. Tags: namespace. */
    public static final String BUS_RECONNECTS = "lamina.cache.bus.reconnects";
    /** Gauge: 1 while invalidation messages flow (no gap), else 0. Tags: namespace. */
    public static final String BUS_HEALTHY = "lamina.cache.bus.healthy";
    /** Counter: whole-L1 flushes of this node (a gap began, or ended). Tags: namespace. */
    public static final String L1_FLUSHES = "lamina.cache.l1.flushes";
    /** Gauge: 1 for the remote tier's circuit-breaker state now, 0 for the others. Tags: namespace, state=closed|open|half_open. */
    public static final String BREAKER_STATE = "lamina.cache.remote.breaker.state";

    /** Gauge: 1 for the lock path's circuit-breaker state now (the worst lock route), 0 for the others. Tags: namespace, state. */
    public static final String LOCK_BREAKER_STATE = "lamina.cache.lock.breaker.state";
    /**
     * Counter: invalidations Redis did not take, kept for a replay ({@code result=queued}), taken on a replay
     * ({@code replayed}), or coalesced into a broader one on overflow or left when the template closed
     * ({@code dropped}). Tags: namespace, result.
     */
    public static final String REPLAYS = "lamina.cache.replays";
    /** Gauge: invalidations queued for a replay now. Tags: namespace. */
    public static final String REPLAY_PENDING = "lamina.cache.replay.pending";
    /** Gauge: circuit breakers open now, one per guarded path (per primary for data and for the lock). Tags: namespace. */
    public static final String OPEN_PATHS = "lamina.cache.remote.breaker.open.paths";
    /**
     * Counter: the remote tier's degraded-mode events, by {@code event} (Redis: {@code link_resets}, {@code late_writes},
     * {@code unlock_failures}, {@code failover_replays}, {@code held_back_reads}). Tags: namespace, event.
     */
    public static final String REMOTE_EVENTS = "lamina.cache.remote.events";
    /** Tag key of {@link #REMOTE_EVENTS}. */
    public static final String TAG_EVENT = "event";

    // ---- tag keys and values ---------------------------------------------------------------------------

    /** Tag key: the cache name. */
    public static final String TAG_CACHE = "cache";
    /** Tag key: the template's namespace. */
    public static final String TAG_NAMESPACE = "namespace";
    /** Tag key: the outcome. */
    public static final String TAG_RESULT = "result";
    /** Tag key: the tier, {@value #TIER_L1} or {@value #TIER_L2}. */
    public static final String TAG_TIER = "tier";
    /** Tag key: a circuit-breaker state. */
    public static final String TAG_STATE = "state";

    /** Tag value: the in-process tier. */
    public static final String TIER_L1 = "l1";
    /** Tag value: the remote tier. */
    public static final String TIER_L2 = "l2";

    private LaminaMeterNames() {
    }
}
