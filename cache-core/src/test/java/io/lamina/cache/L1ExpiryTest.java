package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.internal.DefaultCacheTemplate;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * L1 keeps no Caffeine expiry of its own (issue 17: a per-entry {@code Expiry} doubled the cost of a hit): every hit checks
 * the entry's freshness against the template clock, a copy past its fail-safe window is never served, and entries past
 * their expiry leave memory through a sweep that fills start (at most once a second) or {@code cleanUp}; leaving by
 * expiry is not an eviction.
 */
@Timeout(30)
class L1ExpiryTest {

    private final ManualClock clock = new ManualClock();
    private final AtomicInteger loads = new AtomicInteger();
    private final CacheTemplate cache = CacheTemplate.builder().clock(clock)
            .cache("c", CacheOptions.builder().ttl(Duration.ofSeconds(10)).jitter(Duration.ZERO).build())
            .cache("safe", CacheOptions.builder().ttl(Duration.ofSeconds(10)).jitter(Duration.ZERO)
                    .failSafe(Duration.ofMinutes(1)).build())
            .build();

    @AfterEach
    void close() {
        cache.close();
    }

    private long l1Size(String name) {
        return ((DefaultCacheTemplate) cache).l1Size(name);
    }

    private String load(String value) {
        loads.incrementAndGet();
        return value;
    }

    @Test
    void anEntryPastItsTtl_isAMiss_atTheNanosecond() {
        cache.remember("c", "k", String.class, () -> load("v1"));
        clock.advance(Duration.ofSeconds(10).minusNanos(1));
        assertThat(cache.remember("c", "k", String.class, () -> load("v2"))).isEqualTo("v1");
        clock.advance(Duration.ofNanos(1));
        assertThat(cache.remember("c", "k", String.class, () -> load("v2"))).isEqualTo("v2");
        assertThat(loads).hasValue(2);
        assertThat(cache.getIfPresent("c", "k", String.class).value()).isEqualTo("v2");
    }

    @Test
    void expiredEntries_leaveMemory_onCleanUp_andAreNotCountedAsEvictions() {
        for (int i = 0; i < 100; i++) {
            int n = i;
            cache.remember("c", n, String.class, () -> load("v" + n));
        }
        assertThat(l1Size("c")).isEqualTo(100);
        clock.advance(Duration.ofSeconds(11));
        assertThat(l1Size("c")).isZero();                 // l1Size runs the sweep and Caffeine's maintenance
        assertThat(cache.stats("c").evictions()).isZero();
    }

    @Test
    void aFill_startsASweep_atMostOnceASecond() {
        for (int i = 0; i < 100; i++) {
            int n = i;
            cache.remember("c", n, String.class, () -> load("v" + n));
        }
        clock.advance(Duration.ofSeconds(11));
        cache.remember("c", "fresh", String.class, () -> load("f"));      // a fill, past the sweep interval
        Awaitility.await().atMost(10, TimeUnit.SECONDS)
                .until(() -> ((DefaultCacheTemplate) cache).l1SizeEstimate("c") == 1);
        assertThat(cache.getIfPresent("c", "fresh", String.class).value()).isEqualTo("f");
        assertThat(cache.stats("c").evictions()).isZero();
    }

    @Test
    void aFailSafeCopy_isServedWithinItsWindow_andNeverPastIt() {
        cache.remember("safe", "k", String.class, () -> load("v1"));
        clock.advance(Duration.ofSeconds(10 + 59));          // past fresh, within the 1 min window
        assertThat(cache.remember("safe", "k", String.class, () -> {
            throw new IOException("db down");
        })).isEqualTo("v1");

        cache.remember("safe", "j", String.class, () -> load("w1"));
        clock.advance(Duration.ofSeconds(10 + 60));          // exactly at the end of the window: gone
        assertThatThrownBy(() -> cache.remember("safe", "j", String.class, () -> {
            throw new IOException("db down");
        })).isInstanceOf(CacheLoaderException.class);
    }

    /** The hit path finds the cache by the identity of its name string first: an equal string of another instance and
     * a closed template behave as before. */
    @Test
    void theCacheNamedByAnotherInstanceOfItsName_isTheSameCache_andAClosedTemplateRefusesIt() {
        cache.remember("c", "k", String.class, () -> load("v"));
        String sameName = new String(new char[] {'c'});
        assertThat(cache.remember(sameName, "k", String.class, () -> load("w"))).isEqualTo("v");
        assertThat(cache.remember("safe", "k", String.class, () -> load("s"))).isEqualTo("s");
        assertThat(cache.remember("c", "k", String.class, () -> load("w"))).isEqualTo("v");
        assertThat(loads).hasValue(2);
        cache.close();
        assertThatThrownBy(() -> cache.remember("c", "k", String.class, () -> load("x"))).isInstanceOf(IllegalStateException.class);
    }
}
