package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RefreshAheadTest {

    private final ManualClock clock = new ManualClock();
    private final AtomicInteger loads = new AtomicInteger();
    private final List<CacheTemplate> open = new ArrayList<>();

    private CacheTemplate cache(CacheOptions options, int threads, int queue) {
        CacheTemplate t = CacheTemplate.builder().clock(clock).loaderPool(threads, queue).cache("c", options).build();
        open.add(t);
        return t;
    }

    private static CacheOptions refreshing() {
        return CacheOptions.builder().ttl(Duration.ofSeconds(100)).jitter(Duration.ZERO).refreshAhead(0.8).build();
    }

    @AfterEach
    void close() {
        open.forEach(CacheTemplate::close);
    }

    @Test
    void readPastTheRefreshPoint_returnsTheCurrentValueAtOnce_andReloadsInTheBackground() {
        CacheTemplate cache = cache(refreshing(), 2, 100);
        assertThat(cache.remember("c", "k", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");

        clock.advance(Duration.ofSeconds(79));
        assertThat(cache.remember("c", "k", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
        assertThat(cache.stats("c").refreshesStarted()).isZero();

        clock.advance(Duration.ofSeconds(2));             // past 80% of the TTL
        assertThat(cache.remember("c", "k", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.stats("c").refreshesCompleted() == 1);
        assertThat(cache.remember("c", "k", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v2");
        assertThat(loads).hasValue(2);

        clock.advance(Duration.ofSeconds(90));            // the refreshed entry lives a full TTL from its refresh
        assertThat(cache.getIfPresent("c", "k", String.class).value()).isEqualTo("v2");
    }

    @Test
    void manyReadersPastTheRefreshPoint_startOneRefresh() throws Exception {
        CacheTemplate cache = cache(refreshing(), 2, 100);
        cache.remember("c", "k", String.class, () -> "v" + loads.incrementAndGet());
        clock.advance(Duration.ofSeconds(85));
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> reads = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                reads.add(pool.submit(() -> {
                    start.await();
                    return cache.remember("c", "k", String.class, () -> {
                        release.await(10, TimeUnit.SECONDS);
                        return "v" + loads.incrementAndGet();
                    });
                }));
            }
            start.countDown();
            for (Future<String> r : reads) {
                assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("v1");   // nobody waited for the refresh
            }
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> cache.stats("c").refreshesCompleted() == 1);
            assertThat(cache.stats("c").refreshesStarted()).isEqualTo(1);
            assertThat(loads).hasValue(2);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aRefreshRacingAnInvalidation_neverResurrectsTheOldValue() {
        CacheTemplate cache = cache(refreshing(), 2, 100);
        cache.remember("c", "k", String.class, () -> "v1");
        clock.advance(Duration.ofSeconds(85));
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        cache.remember("c", "k", String.class, () -> {
            loading.countDown();
            release.await(10, TimeUnit.SECONDS);
            return "refreshed from a read before the write";
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> loading.getCount() == 0);
        cache.invalidate("c", "k");
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.stats("c").refreshesCompleted() == 1);
        assertThat(cache.getIfPresent("c", "k", String.class)).isNull();
        assertThat(cache.remember("c", "k", String.class, () -> "new")).isEqualTo("new");
    }

    @Test
    void aFailedRefresh_keepsTheCurrentValue_andIsCounted() {
        CacheTemplate cache = cache(refreshing(), 2, 100);
        cache.remember("c", "k", String.class, () -> "v1");
        clock.advance(Duration.ofSeconds(85));
        cache.remember("c", "k", String.class, () -> {
            throw new IllegalStateException("db down");
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.stats("c").refreshesFailed() == 1);
        assertThat(cache.remember("c", "k", String.class, () -> "other")).isEqualTo("v1");
    }

    @Test
    void theRefreshPoolIsBounded_andRefreshesItHasNoRoomFor_areCountedAsRejected() throws Exception {
        CacheTemplate cache = cache(refreshing(), 1, 1);
        for (int i = 0; i < 5; i++) {
            int n = i;
            cache.remember("c", n, String.class, () -> "v" + n);
        }
        clock.advance(Duration.ofSeconds(85));
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < 5; i++) {
                cache.remember("c", i, String.class, () -> {
                    release.await(10, TimeUnit.SECONDS);
                    return "refreshed";
                });
            }
            CacheStats stats = cache.stats("c");
            assertThat(stats.refreshesStarted()).isEqualTo(5);
            assertThat(stats.refreshesRejected()).as("one runs, one waits in the queue").isEqualTo(3);
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.stats("c").refreshesCompleted() == 2);
    }
}
