package io.lamina.cache.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.CacheTemplateBuilder;
import io.lamina.cache.ManualClock;
import io.lamina.cache.internal.DefaultCacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.FaultProxy;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which thread runs user code: loaders, refreshes, and the callbacks a user registers on a returned future.
 * Never a Redis client's I/O thread (Lettuce, Redisson, Netty): the node's Redis traffic would stand still while
 * it runs. Every node talks to Redis through a proxy that delays each reply, so replies arrive after the
 * continuations waiting for them are registered, which is what put them on the I/O threads.
 */
@RedisTest
@Timeout(60)
class CallbackThreadsIT {

    private static final Duration LATENCY = Duration.ofMillis(10);
    private static final String COMMON_POOL = "ForkJoinPool.commonPool-worker-";
    private static final String LOADER_POOL = "lamina-loader-";

    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private final Closer open = new Closer();
    private String namespace;
    private FaultProxy proxy;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        this.namespace = namespace + "-" + System.nanoTime();
        this.proxy = FaultProxy.start(redis.host(), redis.port());
        open.add(proxy);
        proxy.mode(FaultProxy.Direction.SERVER_TO_CLIENT, FaultProxy.Mode.latency(LATENCY));
    }

    @AfterEach
    void tearDown() throws Exception {
        open.close();
    }

    private CacheTemplate node(CacheOptions options) {
        return node(options, UnaryOperator.identity());
    }

    private CacheTemplate node(CacheOptions options, UnaryOperator<CacheTemplateBuilder> more) {
        CacheTemplate t = more.apply(CacheTemplate.builder().namespace(namespace).clock(clock).remote(RedisTier.create(proxy.uri()))
                .defaults(options).busCheckInterval(Duration.ofMillis(100))).build();
        open.add(t);
        // a node flushes its L1 once its subscription is proven: before that, what it caches may be dropped
        await().atMost(Duration.ofSeconds(10)).until(() -> ((DefaultCacheTemplate) t).coherence().healthy());
        return t;
    }

    private static CacheOptions plain() {
        return CacheOptions.builder().ttl(Duration.ofSeconds(100)).jitter(Duration.ZERO).build();
    }

    /** Fail-safe on: a value 30 s past its 10 s TTL is still in Redis and L1 for 10 min. */
    private static CacheOptions.Builder failSafe() {
        return CacheOptions.builder().ttl(Duration.ofSeconds(10)).jitter(Duration.ZERO).failSafe(Duration.ofMinutes(10));
    }

    static void assertNotIo(String thread, String what) {
        assertThat(thread).as(what + " ran on").isNotNull()
                .doesNotContainIgnoringCase("lettuce").doesNotContainIgnoringCase("redisson")
                .doesNotContainIgnoringCase("netty").doesNotContainIgnoringCase("EventLoop");
    }

    private static <T> String callbackThread(CompletableFuture<T> future, T expected) throws Exception {
        assertThat(future).as("the reply is still on its way when the callback is registered").isNotDone();
        AtomicReference<String> thread = new AtomicReference<>();
        T value = future.thenApply(v -> {
            thread.set(Thread.currentThread().getName());
            return v;
        }).get(10, TimeUnit.SECONDS);
        assertThat(value).isEqualTo(expected);
        return thread.get();
    }

    // ---- remember ----------------------------------------------------------------------------------

    @Test
    void remember_runsTheLoaderOnTheCallersThread_onAMiss_andWhenTheLoaderFailsAndAStaleValueIsServed() {
        CacheTemplate a = node(failSafe().build());
        String caller = Thread.currentThread().getName();
        AtomicReference<String> loader = new AtomicReference<>();
        assertThat(a.remember("c", "k", String.class, () -> {
            loader.set(Thread.currentThread().getName());
            return "v1";
        })).isEqualTo("v1");
        assertThat(loader.get()).as("miss: the loader's thread").isEqualTo(caller);

        clock.advance(Duration.ofSeconds(30));
        loader.set(null);
        assertThat(a.remember("c", "k", String.class, () -> {
            loader.set(Thread.currentThread().getName());
            throw new IllegalStateException("database down");
        })).as("fail-safe serves the stale value").isEqualTo("v1");
        assertThat(loader.get()).as("fail-safe: the failing loader's thread").isEqualTo(caller);
        assertThat(a.stats("c").staleServed()).isEqualTo(1);
    }

    @Test
    void remember_withASoftTimeout_runsTheLoaderOnTheLoaderPool_andServesTheStaleValueOnTime() throws Exception {
        CacheTemplate a = node(failSafe().softTimeout(Duration.ofMillis(200)).build());
        assertThat(a.remember("c", "k", String.class, () -> "v1")).isEqualTo("v1");
        long timeoutsBefore = a.stats("c").loadTimeouts();   // the first, cold miss may pass 200 ms on a busy machine
        clock.advance(Duration.ofSeconds(30));
        AtomicReference<String> loader = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        try {
            assertThat(a.remember("c", "k", String.class, () -> {
                loader.set(Thread.currentThread().getName());
                release.await(10, TimeUnit.SECONDS);
                return "v2";
            })).as("past the soft timeout: the stale value").isEqualTo("v1");
        } finally {
            release.countDown();
        }
        assertThat(loader.get()).as("the loader under a timeout").startsWith(LOADER_POOL);
        assertThat(a.stats("c").loadTimeouts()).isEqualTo(timeoutsBefore + 1);
    }

    // ---- rememberAsync ------------------------------------------------------------------------------

    @Test
    void rememberAsync_onAMiss_invokesTheLoader_andCompletesTheFuture_onTheCommonPoolByDefault() throws Exception {
        CacheTemplate a = node(plain());
        AtomicReference<String> loader = new AtomicReference<>();
        CompletableFuture<String> f = a.rememberAsync("c", "k", String.class, ctx -> {
            loader.set(Thread.currentThread().getName());
            return CompletableFuture.completedFuture("v1");
        });
        String callback = callbackThread(f, "v1");
        assertThat(loader.get()).as("the async loader was invoked on").startsWith(COMMON_POOL);
        assertThat(callback).as("a thenApply on the returned future ran on").startsWith(COMMON_POOL);
        assertThat(a.stats("c").loadSuccesses()).isEqualTo(1);
        assertThat(a.stats("c").l2Errors()).isZero();
    }

    @Test
    void rememberAsync_withAConfiguredExecutor_invokesTheLoaderAndCompletesTheFutureThere() throws Exception {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService app = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "app-callbacks-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        open.add(app::shutdownNow);
        CacheTemplate a = node(plain(), b -> b.executor(app));
        AtomicReference<String> loader = new AtomicReference<>();
        String callback = callbackThread(a.rememberAsync("c", "k", String.class, ctx -> {
            loader.set(Thread.currentThread().getName());
            return CompletableFuture.supplyAsync(() -> "v1");   // completed by another thread again
        }), "v1");
        assertThat(loader.get()).startsWith("app-callbacks-");
        assertThat(callback).startsWith("app-callbacks-");
        // an L1 hit is complete at once: no hop, the caller's thread runs its callbacks
        CompletableFuture<String> hit = a.rememberAsync("c", "k", String.class, ctx -> {
            throw new AssertionError("an L1 hit never loads");
        });
        assertThat(hit).isCompletedWithValue("v1");
    }

    @Test
    void rememberAsync_anL2Hit_completesTheFutureOnTheCommonPool() throws Exception {
        CacheTemplate writer = node(plain());
        writer.put("c", "k", "v1");
        CacheTemplate a = node(plain());
        String callback = callbackThread(a.rememberAsync("c", "k", String.class, ctx -> {
            throw new AssertionError("an L2 hit never loads");
        }), "v1");
        assertThat(callback).startsWith(COMMON_POOL);
        assertThat(a.stats("c").l2Hits()).isEqualTo(1);
    }

    @Test
    void rememberAsync_whenTheLoaderFails_servesTheStaleValue_offTheIoThreads() throws Exception {
        CacheTemplate a = node(failSafe().build());
        assertThat(a.rememberAsync("c", "k", String.class, ctx -> CompletableFuture.completedFuture("v1")).get(10, TimeUnit.SECONDS))
                .isEqualTo("v1");
        clock.advance(Duration.ofSeconds(30));
        AtomicReference<String> loader = new AtomicReference<>();
        String callback = callbackThread(a.rememberAsync("c", "k", String.class, ctx -> {
            loader.set(Thread.currentThread().getName());
            return CompletableFuture.failedFuture(new IllegalStateException("database down"));
        }), "v1");
        assertThat(loader.get()).startsWith(COMMON_POOL);
        assertThat(callback).startsWith(COMMON_POOL);
        assertThat(a.stats("c").staleServed()).isEqualTo(1);
    }

    @Test
    void rememberAsync_pastTheSoftTimeout_completesWithTheStaleValueOnTheCommonPool() throws Exception {
        CacheTemplate a = node(failSafe().softTimeout(Duration.ofMillis(200)).build());
        assertThat(a.rememberAsync("c", "k", String.class, ctx -> CompletableFuture.completedFuture("v1")).get(10, TimeUnit.SECONDS))
                .isEqualTo("v1");
        long timeoutsBefore = a.stats("c").loadTimeouts();   // the first, cold miss may pass 200 ms on a busy machine
        clock.advance(Duration.ofSeconds(30));
        CompletableFuture<String> never = new CompletableFuture<>();
        try {
            long t0 = System.nanoTime();
            String callback = callbackThread(a.rememberAsync("c", "k", String.class, ctx -> never), "v1");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("stale value served after (ms)").isLessThan(2_000);
            assertThat(callback).startsWith(COMMON_POOL);
            assertThat(a.stats("c").loadTimeouts()).isEqualTo(timeoutsBefore + 1);
        } finally {
            never.complete("v2");
        }
    }

    // ---- refresh-ahead ------------------------------------------------------------------------------

    @Test
    void refreshAhead_runsTheLoaderOnTheLoaderPool_forSyncAndAsyncLoaders() throws Exception {
        CacheTemplate a = node(CacheOptions.builder().ttl(Duration.ofSeconds(100)).jitter(Duration.ZERO).refreshAhead(0.8)
                .l1Ttl(Duration.ofHours(1)).build());
        a.remember("c", "sync", String.class, () -> "v1");
        a.rememberAsync("c", "async", String.class, ctx -> CompletableFuture.completedFuture("v1")).get(10, TimeUnit.SECONDS);
        clock.advance(Duration.ofSeconds(85));

        AtomicReference<String> sync = new AtomicReference<>();
        AtomicReference<String> async = new AtomicReference<>();
        assertThat(a.remember("c", "sync", String.class, () -> {
            sync.set(Thread.currentThread().getName());
            return "v2";
        })).isEqualTo("v1");
        assertThat(a.rememberAsync("c", "async", String.class, ctx -> {
            async.set(Thread.currentThread().getName());
            return CompletableFuture.completedFuture("v2");
        })).isCompletedWithValue("v1");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(a.stats("c").refreshesCompleted()).as("%s", a.stats("c")).isEqualTo(2));
        assertThat(sync.get()).as("the refresh's loader").startsWith(LOADER_POOL);
        assertThat(async.get()).as("the refresh's async loader was invoked on").startsWith(LOADER_POOL);
        assertThat(a.stats("c").refreshesFailed()).isZero();
        assertThat(a.remember("c", "sync", String.class, () -> "v3")).isEqualTo("v2");
        assertThat(a.remember("c", "async", String.class, () -> "v3")).isEqualTo("v2");
    }

    // ---- rememberAllAsync ---------------------------------------------------------------------------

    @Test
    void rememberAllAsync_runsTheBulkLoaderOnTheLoaderPool_andCompletesTheFutureOnTheExecutor() throws Exception {
        CacheTemplate a = node(plain());
        AtomicReference<String> loader = new AtomicReference<>();
        CompletableFuture<Map<Integer, String>> f = a.rememberAllAsync("c", List.of(1, 2, 3), String.class, (Set<Integer> missing) -> {
            loader.set(Thread.currentThread().getName());
            Map<Integer, String> out = new java.util.HashMap<>();
            missing.forEach(k -> out.put(k, "v" + k));
            return out;
        });
        String callback = callbackThread(f, Map.of(1, "v1", 2, "v2", 3, "v3"));
        assertThat(loader.get()).startsWith(LOADER_POOL);
        assertThat(callback).as("a thenApply on the returned future ran on").startsWith(COMMON_POOL);

        loader.set(null);
        assertThat(a.rememberAll("c", List.of(4, 5), String.class, (Set<Integer> missing) -> {
            loader.set(Thread.currentThread().getName());
            Map<Integer, String> out = new java.util.HashMap<>();
            missing.forEach(k -> out.put(k, "v" + k));
            return out;
        })).isEqualTo(Map.of(4, "v4", 5, "v5"));
        assertThat(loader.get()).as("rememberAll's loader").isEqualTo(Thread.currentThread().getName());
    }
}
