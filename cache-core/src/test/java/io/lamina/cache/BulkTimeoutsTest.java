package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Soft and hard loader timeouts and fail-safe of {@code rememberAll}, per key as for {@code remember}: past
 * {@code softTimeout} the stale values are served while the load goes on and stores its result; a key without a
 * stale value makes the call wait for the load, up to {@code hardTimeout}, then fail.
 */
@Timeout(20)
class BulkTimeoutsTest {

    private final ManualClock clock = new ManualClock();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger calls = new AtomicInteger();
    private CacheTemplate cache;

    @AfterEach
    void close() {
        release.countDown();
        if (cache != null) {
            cache.close();
        }
    }

    private CacheTemplate template(CacheOptions.Builder options) {
        cache = CacheTemplate.builder().clock(clock)
                .cache("c", options.ttl(Duration.ofMinutes(1)).jitter(Duration.ZERO).failSafe(Duration.ofHours(1)).build())
                .build();
        return cache;
    }

    private static Map<Long, String> values(Set<Long> keys, String version) {
        return keys.stream().collect(Collectors.toMap(k -> k, k -> version + "-" + k));
    }

    /** A loader that waits for {@link #release} and then returns version {@code v2}. */
    private Map<Long, String> slow(Set<Long> keys) throws InterruptedException {
        calls.incrementAndGet();
        assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
        return values(keys, "v2");
    }

    private Map<Long, String> mustNotLoad(Set<Long> keys) {
        throw new AssertionError("loader called for " + keys);
    }

    @Test
    void pastSoftTimeout_everyKeyWithAStaleValue_isServedStale_andTheLoadStoresItsResultInTheBackground() {
        CacheTemplate t = template(CacheOptions.builder().softTimeout(Duration.ofMillis(100)));
        t.rememberAll("c", List.of(1L, 2L), String.class, k -> values(k, "v1"));
        clock.advance(Duration.ofMinutes(2));
        long start = System.nanoTime();
        assertThat(t.rememberAll("c", List.of(1L, 2L), String.class, this::slow))
                .containsExactly(Map.entry(1L, "v1-1"), Map.entry(2L, "v1-2"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(t.stats("c").staleServed()).isEqualTo(2);
        assertThat(t.stats("c").loadTimeouts()).isEqualTo(2);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(t.stats("c").loadSuccesses()).isEqualTo(4));
        assertThat(t.rememberAll("c", List.of(1L, 2L), String.class, this::mustNotLoad))
                .containsExactly(Map.entry(1L, "v2-1"), Map.entry(2L, "v2-2"));
        assertThat(calls).hasValue(1);
    }

    @Test
    void pastSoftTimeout_aKeyWithoutAStaleValue_makesTheCallWaitForTheLoad_andEveryKeyGetsTheLoadedValue() throws Exception {
        CacheTemplate t = template(CacheOptions.builder().softTimeout(Duration.ofMillis(100)));
        t.rememberAll("c", List.of(1L), String.class, k -> values(k, "v1"));
        clock.advance(Duration.ofMinutes(2));
        java.util.concurrent.CompletableFuture<Map<Long, String>> call = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> t.rememberAll("c", List.of(1L, 3L), String.class, this::slow));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(t.stats("c").loadTimeouts()).isEqualTo(2));
        assertThat(call).as("key 3 has no stale value: the call waits for the load").isNotDone();
        release.countDown();
        assertThat(call.get(5, TimeUnit.SECONDS)).containsExactly(Map.entry(1L, "v2-1"), Map.entry(3L, "v2-3"));
        assertThat(t.stats("c").staleServed()).isZero();
    }

    @Test
    void pastHardTimeout_withoutAStaleValue_failsWithCacheLoadTimeoutException_andTheLoadStillStoresItsResult() {
        CacheTemplate t = template(CacheOptions.builder().hardTimeout(Duration.ofMillis(200)));
        t.rememberAll("c", List.of(1L), String.class, k -> values(k, "v1"));
        clock.advance(Duration.ofMinutes(2));
        long start = System.nanoTime();
        assertThatThrownBy(() -> t.rememberAll("c", List.of(1L, 2L), String.class, this::slow))
                .isInstanceOf(CacheLoadTimeoutException.class).hasMessageContaining("1 of them have no stale value");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(t.stats("c").loadTimeouts()).isEqualTo(2);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(t.stats("c").loadSuccesses()).isEqualTo(3));
        assertThat(t.rememberAll("c", List.of(1L, 2L), String.class, this::mustNotLoad))
                .containsExactly(Map.entry(1L, "v2-1"), Map.entry(2L, "v2-2"));
    }

    @Test
    void pastHardTimeout_withAStaleValueForEveryKey_servesThem_andTheyStandInForTheThrottle() {
        CacheTemplate t = template(CacheOptions.builder().hardTimeout(Duration.ofMillis(100)).failSafeThrottle(Duration.ofSeconds(30)));
        t.rememberAll("c", List.of(1L, 2L), String.class, k -> values(k, "v1"));
        clock.advance(Duration.ofMinutes(2));
        assertThat(t.rememberAll("c", List.of(1L, 2L), String.class, this::slow))
                .containsExactly(Map.entry(1L, "v1-1"), Map.entry(2L, "v1-2"));
        assertThat(t.stats("c").staleServed()).isEqualTo(2);
        assertThat(t.stats("c").loadTimeouts()).isEqualTo(2);
    }

    @Test
    void rememberAllAsync_pastSoftTimeout_completesWithTheStaleValues_withoutWaitingForTheLoader() throws Exception {
        CacheTemplate t = template(CacheOptions.builder().softTimeout(Duration.ofMillis(100)));
        t.rememberAll("c", List.of(1L, 2L), String.class, k -> values(k, "v1"));
        clock.advance(Duration.ofMinutes(2));
        assertThat(t.rememberAllAsync("c", List.of(1L, 2L), String.class, this::slow).get(5, TimeUnit.SECONDS))
                .containsExactly(Map.entry(1L, "v1-1"), Map.entry(2L, "v1-2"));
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(t.rememberAll("c", List.of(1L, 2L), String.class, this::mustNotLoad))
                        .containsExactly(Map.entry(1L, "v2-1"), Map.entry(2L, "v2-2")));
    }
}
