package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code rememberAllAsync} holds no thread while it waits for another caller's load: with a loader pool of one
 * thread, many calls waiting for one slow key neither starve the pool nor deadlock with the slow key's loader.
 */
class BulkAsyncWaitsTest {

    private static final int CALLERS = 20;

    @Test
    void manyCallsWaitingForASlowKey_holdNoLoaderThread_andTheSlowLoaderCanUseThePool() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            ExecutorService callers = Executors.newFixedThreadPool(CALLERS + 1);
            try (CacheTemplate t = CacheTemplate.builder().loaderPool(1, 1_000)
                    .cache("c", CacheOptions.builder().ttl(Duration.ofMinutes(5)).build()).build()) {
                Set<String> loaderThreads = ConcurrentHashMap.newKeySet();
                Set<String> callbackThreads = ConcurrentHashMap.newKeySet();
                AtomicInteger bulkLoads = new AtomicInteger();
                BulkLoader<Long, String> loader = missing -> {
                    bulkLoads.incrementAndGet();
                    loaderThreads.add(Thread.currentThread().getName());
                    return missing.stream().collect(Collectors.toMap(k -> k, k -> "v" + k));
                };
                CountDownLatch slowStarted = new CountDownLatch(1);
                CountDownLatch waitersStarted = new CountDownLatch(CALLERS);
                // the slow key 0, loaded on an application thread; its loader needs the pool itself (a bulk load of
                // key 1000) before it can finish, and only once every waiter has asked for key 0
                CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> t.remember("c", 0L, String.class, () -> {
                    slowStarted.countDown();
                    assertThat(waitersStarted.await(10, TimeUnit.SECONDS)).isTrue();
                    Map<Long, String> inner = t.rememberAllAsync("c", List.of(1000L), String.class, loader).get(10, TimeUnit.SECONDS);
                    return "slow+" + inner.get(1000L);
                }), callers);
                assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
                CountDownLatch gate = new CountDownLatch(1);
                List<CompletableFuture<Map<Long, String>>> waiting = new ArrayList<>();
                for (long i = 1; i <= CALLERS; i++) {
                    long own = i;
                    waiting.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            gate.await();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        CompletableFuture<Map<Long, String>> f = t.rememberAllAsync("c", List.of(0L, own), String.class, loader);
                        waitersStarted.countDown();
                        return f;
                    }, callers).thenCompose(f -> f).thenApply(m -> {
                        callbackThreads.add(Thread.currentThread().getName());
                        return m;
                    }));
                }
                gate.countDown();
                assertThat(slow.get(15, TimeUnit.SECONDS)).isEqualTo("slow+v1000");
                for (int i = 0; i < CALLERS; i++) {
                    long own = i + 1;
                    assertThat(waiting.get(i).get(10, TimeUnit.SECONDS))
                            .containsExactly(Map.entry(0L, "slow+v1000"), Map.entry(own, "v" + own));
                }
                assertThat(t.stats("c").loadSuccesses()).as("key 0 once, key 1000 once, each caller's own key once")
                        .isEqualTo(CALLERS + 2);
                assertThat(loaderThreads).allMatch(name -> name.startsWith("lamina-loader-"));
                assertThat(callbackThreads).noneMatch(name -> name.startsWith("lamina-loader-"));
            } finally {
                callers.shutdownNow();
            }
        });
    }
}
