package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SingleFlightTest {

    private static final int THREADS = 64;

    private final CacheTemplate cache = CacheTemplate.builder().namespace("sf").build();
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        cache.close();
    }

    @RepeatedTest(5)
    void concurrentCallersOfOneColdKey_causeExactlyOneLoad_andAllGetItsValue() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            results.add(pool.submit(() -> {
                ready.countDown();
                start.await();
                return cache.remember("c", "hot", String.class, () -> {
                    loads.incrementAndGet();
                    release.await(10, TimeUnit.SECONDS);
                    return "value";
                });
            }));
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        start.countDown();
        // hold the loader until every caller is waiting for it, then release
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.stats("c").misses() == THREADS);
        release.countDown();

        for (Future<String> r : results) {
            assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("value");
        }
        assertThat(loads).hasValue(1);
        assertThat(cache.stats("c").loadSuccesses()).isEqualTo(1);
        assertThat(cache.stats("c").misses()).isEqualTo(THREADS);
    }

    @Test
    void concurrentCallers_allReceiveTheLoadersException_andNothingIsCached() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Throwable>> results = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            results.add(pool.submit(() -> {
                start.await();
                try {
                    cache.remember("c", "bad", String.class, () -> {
                        loads.incrementAndGet();
                        release.await(10, TimeUnit.SECONDS);
                        throw new IOException("db down");
                    });
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }));
        }
        start.countDown();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.stats("c").misses() == THREADS);
        release.countDown();

        for (Future<Throwable> r : results) {
            assertThat(r.get(10, TimeUnit.SECONDS)).isInstanceOf(CacheLoaderException.class)
                    .hasRootCauseInstanceOf(IOException.class);
        }
        assertThat(loads).hasValue(1);
        assertThat(cache.remember("c", "bad", String.class, () -> "recovered")).isEqualTo("recovered");
    }

    @Test
    void callersOfOtherKeys_neverWaitForASlowLoad() throws Exception {
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> slow = pool.submit(() -> cache.remember("c", "slow", String.class, () -> {
            slowStarted.countDown();
            release.await(10, TimeUnit.SECONDS);
            return "slow";
        }));
        assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();

        List<Future<String>> others = new ArrayList<>();
        for (int i = 0; i < THREADS - 1; i++) {
            int n = i;
            others.add(pool.submit(() -> cache.remember("c", "other-" + n, String.class, () -> "v" + n)));
        }
        for (int i = 0; i < others.size(); i++) {
            // the slow loader is still held: these finish only because they do not wait for it
            assertThat(others.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("v" + i);
        }
        assertThat(slow.isDone()).isFalse();
        release.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
    }

    @Test
    void loaderThatRemembersItsOwnKey_failsFastInsteadOfDeadlocking() {
        assertThatThrownBy(() -> cache.remember("c", "self", String.class,
                () -> cache.remember("c", "self", String.class, () -> "inner")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("recursive load").hasMessageContaining("self");
        assertThat(cache.getIfPresent("c", "self", String.class)).isNull();
    }

    @Test
    void loaderThatRemembersAnotherKey_works() {
        String outer = cache.remember("c", "outer", String.class,
                () -> "outer+" + cache.remember("c", "inner", String.class, () -> "inner"));
        assertThat(outer).isEqualTo("outer+inner");
    }

    @Test
    void asyncCallersOfOneColdKey_shareOneLoad() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CompletableFuture<String> source = new CompletableFuture<>();
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            results.add(cache.rememberAsync("c", "async", String.class, ctx -> {
                loads.incrementAndGet();
                return source;
            }));
        }
        assertThat(results).noneMatch(CompletableFuture::isDone);
        source.complete("v");

        for (CompletableFuture<String> r : results) {
            assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo("v");
        }
        assertThat(loads).hasValue(1);
        assertThat(cache.rememberAsync("c", "async", String.class, () -> CompletableFuture.completedFuture("x")))
                .isCompletedWithValue("v");
    }

    @Test
    void syncAndAsyncCallers_shareOneLoad_acrossThreads() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            boolean async = i % 2 == 0;
            done.add(pool.submit(() -> {
                start.await();
                String v = async
                        ? cache.rememberAsync("c", "mixed", String.class, () -> CompletableFuture.supplyAsync(() -> {
                            loads.incrementAndGet();
                            await(release);
                            return "m";
                        })).get(10, TimeUnit.SECONDS)
                        : cache.remember("c", "mixed", String.class, () -> {
                            loads.incrementAndGet();
                            await(release);
                            return "m";
                        });
                seen.add(v);
                return null;
            }));
        }
        start.countDown();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.stats("c").misses() == THREADS);
        release.countDown();
        for (Future<?> f : done) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(seen).hasSize(THREADS).containsOnly("m");
        assertThat(loads).hasValue(1);
    }

    @Test
    void asyncLoaderFailure_failsEveryCallersFuture_andIsNotCached() {
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<String> a = cache.rememberAsync("c", "af", String.class, ctx -> source);
        CompletableFuture<String> b = cache.rememberAsync("c", "af", String.class, ctx -> source);
        source.completeExceptionally(new IllegalStateException("down"));

        assertThat(a).isCompletedExceptionally();
        assertThatThrownBy(b::join).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(cache.rememberAsync("c", "af", String.class, () -> CompletableFuture.completedFuture("ok")))
                .isCompletedWithValue("ok");
    }

    @Test
    void asyncLoaderReturningNullStage_isALoaderFailure() {
        CompletableFuture<String> f = cache.rememberAsync("c", "n", String.class, ctx -> null);
        assertThatThrownBy(f::join).hasCauseInstanceOf(NullPointerException.class);
    }

    @Test
    void callerCancellingItsFuture_doesNotCancelTheLoadForOthers() {
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<String> a = cache.rememberAsync("c", "cx", String.class, ctx -> source);
        CompletableFuture<String> b = cache.rememberAsync("c", "cx", String.class, ctx -> source);
        a.cancel(true);
        source.complete("v");
        assertThat(b).isCompletedWithValue("v");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
