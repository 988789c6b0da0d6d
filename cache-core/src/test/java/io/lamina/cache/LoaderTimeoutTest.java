package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Soft and hard loader timeouts. Time is real here (the timeouts fire on their own), waits are bounded. */
@Timeout(30)
class LoaderTimeoutTest {

    private final ManualClock clock = new ManualClock();
    private final CacheTemplate cache = CacheTemplate.builder().clock(clock)
            .cache("soft", CacheOptions.builder().ttl(Duration.ofSeconds(10)).jitter(Duration.ZERO).failSafe(Duration.ofHours(1))
                    .softTimeout(Duration.ofMillis(100)).hardTimeout(Duration.ofSeconds(5)).build())
            .cache("hard", CacheOptions.builder().ttl(Duration.ofSeconds(10)).jitter(Duration.ZERO).failSafe(Duration.ofHours(1))
                    .hardTimeout(Duration.ofMillis(200)).build())
            .build();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        cache.close();
    }

    private String slow(String value) throws InterruptedException {
        release.await(20, TimeUnit.SECONDS);
        return value;
    }

    @Test
    void softTimeout_servesTheStaleValue_whileTheLoadFinishesInTheBackground_andUpdatesTheCache() {
        cache.remember("soft", "k", String.class, () -> "v1");
        clock.advance(Duration.ofSeconds(11));

        assertThat(cache.remember("soft", "k", String.class, () -> slow("v2"))).isEqualTo("v1");
        assertThat(cache.stats("soft").loadTimeouts()).isEqualTo(1);
        assertThat(cache.stats("soft").staleServed()).isEqualTo(1);

        release.countDown();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(cache.getIfPresent("soft", "k", String.class)).isNotNull()
                        .extracting(CachedValue::value).isEqualTo("v2"));
    }

    @Test
    void hardTimeout_withoutAStaleValue_throws_andTheLoadStillFillsTheCacheLater() {
        assertThatThrownBy(() -> cache.remember("hard", "cold", String.class, () -> slow("late")))
                .isInstanceOf(CacheLoadTimeoutException.class).hasMessageContaining("hardTimeout");
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(cache.getIfPresent("hard", "cold", String.class)).isNotNull());
    }

    @Test
    void hardTimeout_withAStaleValue_servesIt() {
        cache.remember("hard", "k", String.class, () -> "v1");
        clock.advance(Duration.ofSeconds(11));
        assertThat(cache.remember("hard", "k", String.class, () -> slow("v2"))).isEqualTo("v1");
        assertThat(cache.stats("hard").staleServed()).isEqualTo(1);
    }

    @Test
    void softTimeout_withoutAStaleValue_waitsForTheLoad() {
        CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(release::countDown);
        assertThat(cache.remember("soft", "cold", String.class, () -> slow("loaded"))).isEqualTo("loaded");
    }

    @Test
    void asyncCallers_getTheSameTimeouts() {
        CompletableFuture<String> f = cache.rememberAsync("hard", "async", String.class,
                () -> new CompletableFuture<String>());   // never completes
        await().atMost(Duration.ofSeconds(5)).until(f::isDone);
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join).hasCauseInstanceOf(CacheLoadTimeoutException.class);
    }

    @Test
    void timeoutOptionsAreValidated() {
        assertThatThrownBy(() -> CacheOptions.builder().softTimeout(Duration.ofSeconds(2)).hardTimeout(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("softTimeout");
        assertThatThrownBy(() -> CacheOptions.builder().hardTimeout(Duration.ZERO)).hasMessageContaining("hardTimeout");
    }
}
