package io.lamina.cache.spring.boot;

/**
 * Every meter name and tag key Lamina publishes, in one place. The façade's meters use Micrometer's cache names;
 * per-tier and Lamina-specific meters live under {@code lamina.cache.*}. Each name has one tag-key set.
 */
public final class LaminaMeterNames {

    /** Function counter: calls answered by a tier (hit) or by neither (miss). Tags: cache, result=hit|miss. */
    public static final String GETS = "cache.gets";
    /** Function counter: explicit puts. Tags: cache. */
    public static final String PUTS = "cache.puts";
    /** Function counter: L1 entries evicted for size. Tags: cache. */
    public static final String EVICTIONS = "cache.evictions";
    /** Function counter: loader runs. Tags: cache, result=success|failure. */
    public static final String LOADS = "cache.loads";
    /** Function timer: loader runs and the time spent in them. Tags: cache. */
    public static final String LOAD_DURATION = "cache.load.duration";
    /** Function counter: lookups per tier. Tags: cache, tier=l1|l2, result=hit|miss. */
    public static final String TIER_GETS = "lamina.cache.tier.gets";
    /** Function counter: calls answered with a stale value kept by fail-safe. Tags: cache. */
    public static final String STALE_SERVED = "lamina.cache.stale.served";
    /** Function counter: remote-tier operations that failed and were treated as misses. Tags: cache. */
    public static final String REMOTE_ERRORS = "lamina.cache.remote.errors";
    /** Function counter: background refreshes. Tags: cache, result=started|completed|failed|rejected|skipped. */
    public static final String REFRESHES = "lamina.cache.refreshes";

    /** Tag key: the cache name. */
    public static final String TAG_CACHE = "cache";
    /** Tag key: the outcome. */
    public static final String TAG_RESULT = "result";
    /** Tag key: the tier, {@code l1} or {@code l2}. */
    public static final String TAG_TIER = "tier";

    private LaminaMeterNames() {
    }
}
