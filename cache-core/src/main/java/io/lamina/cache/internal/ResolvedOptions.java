package io.lamina.cache.internal;

import io.lamina.cache.CacheOptions;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;

/**
 * A named cache's effective options: its own, then the template defaults, then the built-ins. Also the
 * arithmetic that turns them into expiry times (jitter included).
 */
public record ResolvedOptions(
        Duration ttl,
        Duration nullTtl,
        boolean cacheNulls,
        Duration jitter,
        long maximumSize,
        long maximumWeight,
        BiFunction<Object, Object, Integer> weigher,
        Duration l1Ttl,
        Duration refreshAfter,
        double refreshAhead,
        Duration failSafe,
        Duration lockWait,
        io.lamina.cache.LockTimeoutPolicy onLockTimeout,
        boolean l1Enabled,
        Duration failSafeThrottle,
        Duration softTimeout,
        Duration hardTimeout) {

    /** Built-in fail-safe throttle. */
    public static final Duration DEFAULT_FAIL_SAFE_THROTTLE = Duration.ofSeconds(30);

    /** The L1 TTL cap when a remote tier is configured and none is set: bounds the harm of a lost message. */
    public static final Duration DEFAULT_REMOTE_L1_TTL = Duration.ofMinutes(1);

    /** Merges {@code own} over {@code defaults} over the built-in defaults (L1 only). */
    public static ResolvedOptions resolve(CacheOptions own, CacheOptions defaults) {
        return resolve(own, defaults, false);
    }

    /** Merges {@code own} over {@code defaults} over the built-in defaults; with a remote tier L1 copies are capped. */
    public static ResolvedOptions resolve(CacheOptions own, CacheOptions defaults, boolean remote) {
        CacheOptions o = own.withDefaults(defaults);
        Duration ttl = o.ttl().orElse(CacheOptions.DEFAULT_TTL);
        Duration nullTtl = o.nullTtl().orElseGet(() -> {
            Duration half = ttl.dividedBy(2);
            Duration capped = half.compareTo(CacheOptions.DEFAULT_MAX_NULL_TTL) < 0 ? half : CacheOptions.DEFAULT_MAX_NULL_TTL;
            return capped.isZero() ? ttl : capped;
        });
        long maximumWeight = o.maximumWeight().orElse(0L);
        return new ResolvedOptions(
                ttl,
                nullTtl,
                o.cacheNulls().orElse(true),
                o.jitter().orElse(null),
                maximumWeight > 0 ? 0 : o.maximumSize().orElse(CacheOptions.DEFAULT_MAXIMUM_SIZE),
                maximumWeight,
                o.weigher().orElse(null),
                o.l1Ttl().orElse(remote ? DEFAULT_REMOTE_L1_TTL : null),
                o.refreshAfter().orElse(null),
                o.refreshAhead().orElse(0.0),
                o.failSafe().orElse(Duration.ZERO),
                o.lockWait().orElse(CacheOptions.DEFAULT_LOCK_WAIT),
                o.onLockTimeout().orElse(io.lamina.cache.LockTimeoutPolicy.LOAD),
                o.l1Enabled().orElse(true),
                o.failSafeThrottle().orElse(DEFAULT_FAIL_SAFE_THROTTLE),
                o.softTimeout().orElse(null),
                o.hardTimeout().orElse(null));
    }

    /**
     * {@code base} plus a uniformly random extension in [0, window], in nanoseconds, where the window is
     * the configured jitter capped at {@code base}, or 10% of {@code base} when jitter is not configured.
     * Never zero or less, never overflows.
     */
    public long jitteredNanos(Duration base) {
        long baseNanos = Math.max(1, Durations.toNanos(base));
        long window = jitter == null ? baseNanos / 10 : Math.min(Durations.toNanos(jitter), baseNanos);
        if (window <= 0) {
            return baseNanos;
        }
        long extra = ThreadLocalRandom.current().nextLong(window + 1);
        return Math.min(Durations.MAX_NANOS, Durations.saturatedAdd(baseNanos, extra));
    }

    /** These options as a {@link CacheOptions} with every option that has a value set. */
    public CacheOptions toCacheOptions() {
        CacheOptions.Builder b = CacheOptions.builder()
                .ttl(ttl)
                .nullTtl(nullTtl)
                .cacheNulls(cacheNulls)
                .failSafe(failSafe)
                .failSafeThrottle(failSafeThrottle)
                .lockWait(lockWait)
                .onLockTimeout(onLockTimeout)
                .l1Enabled(l1Enabled);
        if (jitter != null) {
            b.jitter(jitter);
        }
        if (maximumWeight > 0) {
            b.maximumWeight(maximumWeight, weigher);
        } else {
            b.maximumSize(maximumSize);
        }
        if (l1Ttl != null) {
            b.l1Ttl(l1Ttl);
        }
        if (refreshAfter != null) {
            b.refreshAfter(refreshAfter);
        } else if (refreshAhead > 0) {
            b.refreshAhead(refreshAhead);
        }
        if (softTimeout != null) {
            b.softTimeout(softTimeout);
        }
        if (hardTimeout != null) {
            b.hardTimeout(hardTimeout);
        }
        return b.build();
    }

    /** Whether loads of this cache are bounded by a soft or hard timeout. */
    public boolean timed() {
        return softTimeout != null || hardTimeout != null;
    }

    /** Whether fail-safe keeps stale values to serve when a load fails. */
    public boolean failSafeOn() {
        return !failSafe.isZero();
    }

    /** The refresh point in epoch ms of a stored entry written at {@code createdAt}, fresh until {@code freshUntil}; MAX_VALUE if none. */
    public long refreshAtMillis(long createdAt, long freshUntil) {
        long life = freshUntil - createdAt;
        long after;
        if (refreshAfter != null) {
            after = refreshAfter.toMillis();
        } else if (refreshAhead > 0) {
            after = (long) (life * refreshAhead);
        } else {
            return Long.MAX_VALUE;
        }
        return after >= life ? Long.MAX_VALUE : createdAt + after;
    }

    /** The refresh point of an entry written at {@code now} and fresh for {@code ttlNanos}; MAX_VALUE if none. */
    public long refreshAt(long now, long ttlNanos) {
        long after;
        if (refreshAfter != null) {
            after = Durations.toNanos(refreshAfter);
        } else if (refreshAhead > 0) {
            after = (long) (ttlNanos * refreshAhead);
        } else {
            return Long.MAX_VALUE;
        }
        return after >= ttlNanos ? Long.MAX_VALUE : Durations.saturatedAdd(now, after);
    }
}
