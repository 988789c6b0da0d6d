package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A loader that asks for its own key fails fast with an {@link IllegalStateException} naming the cache and the key,
 * on every path (sync, async, under a soft or a hard timeout, refresh-ahead), and leaves no thread of the loader
 * pool waiting. Each test is bounded well under the timeouts a hang would run into.
 */
@Timeout(10)
class RecursiveLoadTest {

    private final ManualClock clock = new ManualClock();
    private final CacheTemplate cache = CacheTemplate.builder().clock(clock)
            .cache("plain", CacheOptions.builder().ttl(Duration.ofSeconds(10)).jitter(Duration.ZERO).build())
            .cache("soft", CacheOptions.builder().ttl(Duration.ofSeconds(10)).jitter(Duration.ZERO)
                    .softTimeout(Duration.ofSeconds(30)).build())
            .cache("hard", CacheOptions.builder().ttl(Duration.ofSeconds(10)).jitter(Duration.ZERO)
                    .hardTimeout(Duration.ofSeconds(30)).build())
            .cache("ahead", CacheOptions.builder().ttl(Duration.ofSeconds(10)).jitter(Duration.ZERO).refreshAhead(0.5).build())
            .build();

    @AfterEach
    void close() {
        cache.close();
    }

    private static void assertRecursive(Throwable thrown, String cacheName, String key) {
        Throwable t = thrown;
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        assertThat(t).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("recursive load").hasMessageContaining("'" + cacheName + "'").hasMessageContaining(key);
    }

    @Test
    void sync_loaderAskingForItsOwnKey_failsFast() {
        assertThatThrownBy(() -> cache.remember("plain", "self", String.class,
                () -> cache.remember("plain", "self", String.class, () -> "inner")))
                .satisfies(t -> assertRecursive(t, "plain", "self"));
        assertThat(cache.getIfPresent("plain", "self", String.class)).isNull();
    }

    @Test
    void async_loaderAskingForItsOwnKey_completesExceptionally() {
        CompletableFuture<String> outer = cache.rememberAsync("plain", "self", String.class,
                ctx -> cache.rememberAsync("plain", "self", String.class, () -> CompletableFuture.completedFuture("inner")));
        assertThatThrownBy(() -> outer.get(5, TimeUnit.SECONDS)).satisfies(t -> assertRecursive(t, "plain", "self"));
        assertThat(cache.getIfPresent("plain", "self", String.class)).isNull();
    }

    @Test
    void async_loaderAskingSynchronouslyForItsOwnKey_completesExceptionally() {
        CompletableFuture<String> outer = cache.rememberAsync("plain", "self", String.class,
                ctx -> CompletableFuture.completedFuture(cache.remember("plain", "self", String.class, () -> "inner")));
        assertThatThrownBy(() -> outer.get(5, TimeUnit.SECONDS)).satisfies(t -> assertRecursive(t, "plain", "self"));
    }

    @Test
    void softTimeoutOnly_failsFast_andFreesThePool() {
        long start = System.nanoTime();
        // more recursive calls than the default loader pool has threads: none of them may keep one
        for (int i = 0; i < 4; i++) {
            String key = "self" + i;
            assertThatThrownBy(() -> cache.remember("soft", key, String.class,
                    () -> cache.remember("soft", key, String.class, () -> "inner")))
                    .satisfies(t -> assertRecursive(t, "soft", key));
        }
        assertThat(cache.remember("soft", "other", String.class, () -> "fine")).isEqualTo("fine");
        assertThat(cache.remember("hard", "other", String.class, () -> "fine")).isEqualTo("fine");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(cache.getIfPresent("soft", "self0", String.class)).isNull();
    }

    @Test
    void hardTimeout_failsFast_notAfterTheTimeout() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> cache.remember("hard", "self", String.class,
                () -> cache.remember("hard", "self", String.class, () -> "inner")))
                .satisfies(t -> assertRecursive(t, "hard", "self"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aCycleThroughTwoKeysOnTheLoaderPool_failsFast() {
        assertThatThrownBy(() -> cache.remember("soft", "a", String.class,
                () -> cache.remember("soft", "b", String.class,
                        () -> cache.remember("soft", "a", String.class, () -> "inner"))))
                .satisfies(t -> assertRecursive(t, "soft", "a"));
    }

    @Test
    void theSameKeyInAnotherCache_isNotRecursion() {
        assertThat(cache.remember("soft", "k", String.class,
                () -> "outer+" + cache.remember("hard", "k", String.class, () -> "inner"))).isEqualTo("outer+inner");
        assertThat(cache.remember("plain", "k2", String.class,
                () -> "outer+" + cache.remember("soft", "k2", String.class, () -> "inner"))).isEqualTo("outer+inner");
    }

    @Test
    void refreshAhead_loaderAskingForItsOwnKey_failsTheRefresh_andKeepsTheValue() {
        AtomicInteger refreshes = new AtomicInteger();
        cache.remember("ahead", "self", String.class, () -> "v1");
        clock.advance(Duration.ofSeconds(6));
        // past the refresh point: served, and refreshed by a loader that removes the key and asks for it again
        assertThat(cache.remember("ahead", "self", String.class, () -> {
            refreshes.incrementAndGet();
            cache.invalidate("ahead", "self");
            return cache.remember("ahead", "self", String.class, () -> "inner");
        })).isEqualTo("v1");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(cache.stats("ahead").refreshesFailed()).isEqualTo(1));
        assertThat(refreshes).hasValue(1);
        assertThat(cache.getIfPresent("ahead", "self", String.class)).isNull();
    }
}
