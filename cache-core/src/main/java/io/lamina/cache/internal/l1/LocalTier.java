package io.lamina.cache.internal.l1;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.lamina.cache.CacheClock;
import io.lamina.cache.internal.ResolvedOptions;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;

/**
 * The in-process tier of one named cache: a Caffeine cache of {@link L1Entry} keyed by the caller's key
 * object (not its string form, so a hit builds no string). Each entry expires at its own
 * {@link L1Entry#expiresAt()}. Maintenance (eviction, expiry, the removal listener) runs on Caffeine's default
 * executor, as in a cache a user builds: a hit never drains Caffeine's buffers on the caller's thread.
 *
 * <p>An index from each entry's string form to the entry lets an invalidation from another node, which
 * names keys by their string form, find the entry to drop. The index is written inside the
 * {@code compute} that installs an entry and cleaned by the removal listener, which removes only that
 * exact entry, so a replaced entry never takes its successor's index slot with it.
 */
public final class LocalTier {

    private final Cache<Object, L1Entry> cache;
    private final ConcurrentMap<Object, L1Entry> map;
    private final ConcurrentMap<String, L1Entry> index = new java.util.concurrent.ConcurrentHashMap<>();

    public LocalTier(ResolvedOptions options, CacheClock clock, LongConsumer onEviction) {
        Caffeine<Object, Object> builder = Caffeine.newBuilder()
                .ticker(clock::nanoTime)
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
        this.cache = builder.expireAfter(new EntryExpiry()).build();
        this.map = cache.asMap();
    }

    /** The entry of {@code key} if Caffeine still holds it (it may be past its refresh point or logically stale). */
    public L1Entry get(Object key) {
        return cache.getIfPresent(key);
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

    public void cleanUp() {
        cache.cleanUp();
    }

    private static final class EntryExpiry implements Expiry<Object, L1Entry> {
        @Override
        public long expireAfterCreate(Object key, L1Entry entry, long currentTime) {
            return Math.max(1, saturatedSub(entry.expiresAt, currentTime));
        }

        @Override
        public long expireAfterUpdate(Object key, L1Entry entry, long currentTime, long currentDuration) {
            return Math.max(1, saturatedSub(entry.expiresAt, currentTime));
        }

        @Override
        public long expireAfterRead(Object key, L1Entry entry, long currentTime, long currentDuration) {
            return currentDuration;
        }

        private static long saturatedSub(long a, long b) {
            long r = a - b;
            return ((a ^ b) & (a ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
        }
    }
}
