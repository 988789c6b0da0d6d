package io.lamina.cache.internal.l1;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.lamina.cache.CacheClock;
import io.lamina.cache.internal.ResolvedOptions;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;

/**
 * The in-process tier of one named cache: a Caffeine cache of {@link L1Entry} keyed by the caller's key
 * object (not its string form, so a hit builds no string), bounded by size (or weight) only. Maintenance
 * (eviction, the removal listener) runs on Caffeine's default executor, as in a cache a user builds: a hit never
 * drains Caffeine's buffers on the caller's thread.
 *
 * <p>Caffeine keeps no expiry of its own: a per-entry {@code Expiry} made every hit cost about twice a plain
 * Caffeine read (issue 17), and the hit path reads the clock anyway to check {@link L1Entry#freshUntil()}. An
 * entry past its freshness is a miss to the caller; past {@link L1Entry#expiresAt()} (freshness plus the
 * fail-safe window) it is not even a stale copy ({@link #live}). Such entries are removed when a miss replaces
 * them, and by a sweep ({@link #maybeSweep}) that a fill starts at most once per {@link #SWEEP_INTERVAL_NANOS},
 * on Caffeine's executor; until then they only hold memory within the size bound.
 *
 * <p>An index from each entry's string form to the entry lets an invalidation from another node, which
 * names keys by their string form, find the entry to drop. The index is written inside the
 * {@code compute} that installs an entry and cleaned by the removal listener, which removes only that
 * exact entry, so a replaced entry never takes its successor's index slot with it.
 */
public final class LocalTier {

    /** How often a fill may start a sweep of entries past {@link L1Entry#expiresAt()}: once a second. */
    static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    private final Cache<Object, L1Entry> cache;
    private final CacheClock clock;
    private final java.util.concurrent.atomic.AtomicLong nextSweep;
    private final ConcurrentMap<Object, L1Entry> map;
    private final ConcurrentMap<String, L1Entry> index = new java.util.concurrent.ConcurrentHashMap<>();

    public LocalTier(ResolvedOptions options, CacheClock clock, LongConsumer onEviction) {
        this.clock = clock;
        this.nextSweep = new java.util.concurrent.atomic.AtomicLong(clock.nanoTime() + SWEEP_INTERVAL_NANOS);
        Caffeine<Object, Object> builder = Caffeine.newBuilder()
                .evictionListener((Object key, Object value, RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        onEviction.accept(1);
                    }
                })
                .removalListener((Object key, Object value, RemovalCause cause) -> {
                    if (value instanceof L1Entry e && e.formatted != null) {
                        index.remove(e.formatted, e);
                    }
                });
        if (options.maximumWeight() > 0) {
            BiFunction<Object, Object, Integer> weigher = options.weigher();
            builder.maximumWeight(options.maximumWeight())
                    .weigher((Object key, Object entry) -> {
                        Object value = ((L1Entry) entry).value;
                        Integer weight = weigher.apply(key, value == L1Entry.NULL ? null : value);
                        return weight == null || weight < 0 ? 0 : weight;
                    });
        } else {
            builder.maximumSize(options.maximumSize());
        }
        this.cache = builder.build();
        this.map = cache.asMap();
    }

    /** The entry of {@code key} if Caffeine still holds it: it may be past its freshness, even past its expiry. */
    public L1Entry get(Object key) {
        return cache.getIfPresent(key);
    }

    /** The entry of {@code key} if it is not past its {@link L1Entry#expiresAt()} (fresh, or a fail-safe copy). */
    public L1Entry live(Object key) {
        L1Entry e = cache.getIfPresent(key);
        return e != null && clock.nanoTime() < e.expiresAt ? e : null;
    }

    /**
     * Starts a sweep of expired entries on Caffeine's executor if the last one started at least
     * {@link #SWEEP_INTERVAL_NANOS} ago; {@code now} is the template clock's time. Called by fills, never by hits.
     */
    public void maybeSweep(long now) {
        long next = nextSweep.get();
        if (now - next >= 0 && nextSweep.compareAndSet(next, now + SWEEP_INTERVAL_NANOS)) {
            java.util.concurrent.ForkJoinPool.commonPool().execute(() -> sweep(clock.nanoTime()));
        }
    }

    /** Removes every entry past its {@link L1Entry#expiresAt()} at {@code now} (each removal is conditional on the entry). */
    void sweep(long now) {
        map.values().removeIf(e -> now >= e.expiresAt);
    }

    /** The underlying map, for per-key atomic fills and removals ({@code compute}). */
    public ConcurrentMap<Object, L1Entry> map() {
        return map;
    }

    /** Records {@code entry} in the string-form index; call inside the {@code compute} that installs it. */
    public void indexed(L1Entry entry) {
        if (entry.formatted != null) {
            index.put(entry.formatted, entry);
        }
    }

    /** The entry whose key has this string form, if L1 holds one. */
    public L1Entry byFormatted(String formatted) {
        return index.get(formatted);
    }

    public void invalidateAll() {
        cache.invalidateAll();
        index.clear();
    }

    public long estimatedSize() {
        return cache.estimatedSize();
    }

    /** Removes expired entries now and runs Caffeine's pending maintenance, so that the size is exact. */
    public void cleanUp() {
        sweep(clock.nanoTime());
        cache.cleanUp();
    }
}
