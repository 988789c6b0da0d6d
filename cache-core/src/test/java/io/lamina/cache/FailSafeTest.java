package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
class FailSafeTest {

    private final ManualClock clock = new ManualClock();
    private final AtomicInteger calls = new AtomicInteger();
    private final CacheTemplate cache = CacheTemplate.builder().clock(clock)
            .cache("c", CacheOptions.builder().ttl(Duration.ofSeconds(10)).jitter(Duration.ZERO)
                    .failSafe(Duration.ofHours(1)).failSafeThrottle(Duration.ofSeconds(30)).build())
            .cache("nofailsafe", CacheOptions.builder().ttl(Duration.ofSeconds(10)).jitter(Duration.ZERO).build())
            .build();

    @AfterEach
    void close() {
        cache.close();
    }

    private String failing() throws IOException {
        calls.incrementAndGet();
        throw new IOException("db down");
    }

    @Test
    void loaderFailure_withAStaleValue_servesIt_flagsIt_andThrottlesTheLoader() {
        cache.remember("c", "k", String.class, () -> "v1");
        clock.advance(Duration.ofSeconds(11));              // expired, kept by fail-safe

        assertThat(cache.remember("c", "k", String.class, this::failing)).isEqualTo("v1");
        assertThat(calls).hasValue(1);
        assertThat(cache.stats("c").staleServed()).isEqualTo(1);
        assertThat(cache.stats("c").loadFailures()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(20));              // within the throttle: the loader is not tried
        assertThat(cache.remember("c", "k", String.class, this::failing)).isEqualTo("v1");
        assertThat(calls).hasValue(1);
        assertThat(cache.stats("c").staleServed()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(11));              // past the throttle: tried again
        assertThat(cache.remember("c", "k", String.class, () -> "v2")).isEqualTo("v2");
        assertThat(cache.remember("c", "k", String.class, this::failing)).isEqualTo("v2");
    }

    @Test
    void loaderFailure_withoutAStaleValue_propagates() {
        assertThatThrownBy(() -> cache.remember("c", "never-loaded", String.class, this::failing))
                .isInstanceOf(CacheLoaderException.class).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void pastTheFailSafeWindow_theErrorPropagates() {
        cache.remember("c", "k", String.class, () -> "v1");
        clock.advance(Duration.ofHours(2));
        assertThatThrownBy(() -> cache.remember("c", "k", String.class, this::failing)).isInstanceOf(CacheLoaderException.class);
    }

    @Test
    void withFailSafeOff_theErrorPropagates() {
        cache.remember("nofailsafe", "k", String.class, () -> "v1");
        clock.advance(Duration.ofSeconds(11));
        assertThatThrownBy(() -> cache.remember("nofailsafe", "k", String.class, this::failing)).isInstanceOf(CacheLoaderException.class);
    }

    @Test
    void anInvalidatedValue_isNeverServedAsStale() {
        cache.remember("c", "k", String.class, ctx -> {
            ctx.tags("t");
            return "v1";
        });
        cache.invalidateTags("t");
        clock.advance(Duration.ofSeconds(11));
        assertThatThrownBy(() -> cache.remember("c", "k", String.class, this::failing)).isInstanceOf(CacheLoaderException.class);
        cache.remember("c", "j", String.class, () -> "v1");
        cache.invalidate("c", "j");
        assertThatThrownBy(() -> cache.remember("c", "j", String.class, this::failing)).isInstanceOf(CacheLoaderException.class);
    }

    @Test
    void concurrentCallers_ofAFailingLoad_allGetTheStaleValue() throws Exception {
        cache.remember("c", "k", String.class, () -> "v1");
        clock.advance(Duration.ofSeconds(11));
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> cache.remember("c", "k", String.class, () -> {
                    calls.incrementAndGet();
                    release.await(10, TimeUnit.SECONDS);
                    throw new IOException("db down");
                })));
            }
            // the first load was a miss too: 1 + 8
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> cache.stats("c").misses() == 9);
            release.countDown();
            for (Future<String> r : results) {
                assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
            }
            assertThat(calls).hasValue(1);
            assertThat(cache.stats("c").staleServed()).isEqualTo(8);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void asyncLoaderFailure_servesTheStaleValue() {
        cache.remember("c", "k", String.class, () -> "v1");
        clock.advance(Duration.ofSeconds(11));
        CompletableFuture<String> f = cache.rememberAsync("c", "k", String.class,
                () -> CompletableFuture.failedFuture(new IllegalStateException("down")));
        assertThat(f).isCompletedWithValue("v1");
        assertThat(cache.stats("c").staleServed()).isEqualTo(1);
    }
}
