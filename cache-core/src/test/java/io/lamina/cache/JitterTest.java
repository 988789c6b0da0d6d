package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.internal.Durations;
import io.lamina.cache.internal.ResolvedOptions;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JitterTest {

    private static ResolvedOptions options(CacheOptions o) {
        return ResolvedOptions.resolve(o, CacheOptions.inherit());
    }

    @Test
    void keysWrittenAtOneInstant_getExpiriesSpreadAcrossTheWindow() {
        ResolvedOptions o = options(CacheOptions.builder().ttl(Duration.ofMinutes(10)).jitter(Duration.ofMinutes(1)).build());
        long base = Duration.ofMinutes(10).toNanos();
        long window = Duration.ofMinutes(1).toNanos();
        int[] buckets = new int[10];
        Set<Long> distinct = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            long ttl = o.jitteredNanos(Duration.ofMinutes(10));
            assertThat(ttl).isBetween(base, base + window);
            buckets[(int) Math.min(9, (ttl - base) * 10 / window)]++;
            distinct.add(ttl);
        }
        assertThat(distinct).hasSizeGreaterThan(9_900);
        for (int count : buckets) {
            // uniform: 1 000 expected per tenth of the window
            assertThat(count).isBetween(800, 1_200);
        }
    }

    @Test
    void defaultJitter_isTenPercentOfEachTtl() {
        ResolvedOptions o = options(CacheOptions.builder().ttl(Duration.ofSeconds(100)).build());
        long max = 0;
        for (int i = 0; i < 2_000; i++) {
            long ttl = o.jitteredNanos(Duration.ofSeconds(100));
            assertThat(ttl).isBetween(Duration.ofSeconds(100).toNanos(), Duration.ofSeconds(110).toNanos());
            max = Math.max(max, ttl);
        }
        assertThat(max).isGreaterThan(Duration.ofSeconds(109).toNanos());
    }

    @Test
    void jitterLargerThanTheTtl_isCappedAtTheTtl() {
        ResolvedOptions o = options(CacheOptions.builder().jitter(Duration.ofHours(1)).build());
        for (int i = 0; i < 1_000; i++) {
            assertThat(o.jitteredNanos(Duration.ofSeconds(1))).isBetween(Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(2).toNanos());
        }
    }

    @Test
    void zeroJitter_keepsTheTtlExact() {
        ResolvedOptions o = options(CacheOptions.builder().jitter(Duration.ZERO).build());
        assertThat(o.jitteredNanos(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void jitter_neverYieldsZeroOrLess_evenForTheSmallestTtl() {
        ResolvedOptions o = options(CacheOptions.builder().jitter(Duration.ofSeconds(1)).build());
        for (int i = 0; i < 1_000; i++) {
            assertThat(o.jitteredNanos(Duration.ofNanos(1))).isPositive();
        }
    }

    @Test
    void jitter_neverOverflows_forHugeTtls() {
        ResolvedOptions o = options(CacheOptions.builder().jitter(ChronoUnit.FOREVER.getDuration()).build());
        for (int i = 0; i < 1_000; i++) {
            long ttl = o.jitteredNanos(ChronoUnit.FOREVER.getDuration());
            assertThat(ttl).isPositive().isLessThanOrEqualTo(Durations.MAX_NANOS);
        }
    }

    @Test
    void hugeTtl_throughTheFacade_isCachedAndServed() {
        ManualClock clock = new ManualClock();
        try (CacheTemplate cache = CacheTemplate.builder().clock(clock)
                .cache("forever", CacheOptions.builder().ttl(ChronoUnit.FOREVER.getDuration()).build()).build()) {
            cache.remember("forever", 1, String.class, () -> "v");
            clock.advance(Duration.ofDays(3650));
            assertThat(cache.getIfPresent("forever", 1, String.class)).isNotNull();
        }
    }

    @Test
    void tenThousandKeysWrittenAtOneInstant_byLoadPutAndRefresh_expireSpreadAcrossTheWindow() {
        ManualClock clock = new ManualClock();
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofSeconds(100)).jitter(Duration.ofSeconds(100))
                .refreshAhead(0.5).build();
        try (CacheTemplate cache = CacheTemplate.builder().clock(clock).cache("c", options).build()) {
            int n = 10_000;
            for (int i = 0; i < n; i++) {
                int k = i;
                if (i % 2 == 0) {
                    cache.remember("c", k, String.class, () -> "loaded");   // the load path
                } else {
                    cache.put("c", k, "put");                             // the put path
                }
            }
            assertSpread(cache, clock, n, 0);

            // the refresh path: entries loaded with TTLs in [100 s, 200 s] pass their refresh point (half the
            // TTL) by t0 = 100 s, none has expired; read at t0, all are refreshed at that one instant, and the
            // refreshed entries must again expire spread across [t0 + 100 s, t0 + 200 s]
            ManualClock clock2 = new ManualClock();
            try (CacheTemplate refreshed = CacheTemplate.builder().clock(clock2).loaderPool(2, 20_000).cache("c", options)
                    .build()) {
                for (int i = 0; i < n; i++) {
                    refreshed.remember("c", i, String.class, () -> "first");
                }
                clock2.advance(Duration.ofSeconds(100));
                for (int i = 0; i < n; i++) {
                    refreshed.remember("c", i, String.class, () -> "refreshed");
                }
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                        .until(() -> refreshed.stats("c").refreshesCompleted() == n);
                assertThat(refreshed.getIfPresent("c", 7, String.class).value()).isEqualTo("refreshed");
                assertSpread(refreshed, clock2, n, 0);
            }
        }
    }

    /** Counts, in ten steps across [ttl, ttl + window], how many of n keys expire in each step. */
    private static void assertSpread(CacheTemplate cache, ManualClock clock, int n, int startSeconds) {
        int[] expiredPerStep = new int[10];
        int alive = n;
        clock.advance(Duration.ofSeconds(100 - startSeconds));
        for (int step = 0; step < 10; step++) {
            clock.advance(Duration.ofSeconds(10));
            int now = 0;
            for (int i = 0; i < n; i++) {
                if (cache.getIfPresent("c", i, String.class) != null) {
                    now++;
                }
            }
            expiredPerStep[step] = alive - now;
            alive = now;
        }
        assertThat(alive).isZero();
        for (int count : expiredPerStep) {
            // uniform over the window: about 1 000 of 10 000 expire in each tenth, not all at once
            assertThat(count).isBetween(800, 1_200);
        }
    }

    @Test
    void entriesWrittenTogether_throughTheFacade_expireAtDifferentTimes() {
        ManualClock clock = new ManualClock();
        try (CacheTemplate cache = CacheTemplate.builder().clock(clock)
                .cache("c", CacheOptions.builder().ttl(Duration.ofSeconds(100)).jitter(Duration.ofSeconds(100)).build()).build()) {
            for (int i = 0; i < 1_000; i++) {
                cache.put("c", i, "v");
            }
            clock.advance(Duration.ofSeconds(150));
            int alive = 0;
            for (int i = 0; i < 1_000; i++) {
                if (cache.getIfPresent("c", i, String.class) != null) {
                    alive++;
                }
            }
            // uniform in [100 s, 200 s]: half are still alive at 150 s
            assertThat(alive).isBetween(400, 600);
        }
    }
}
