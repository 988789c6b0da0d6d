package io.lamina.cache.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.BreakerState;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.internal.DefaultCacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.OwnedRedisServer;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Redis crashes (SIGKILL) or freezes (SIGSTOP) under load from several threads on two nodes, and comes back: no
 * caller sees an exception or a wrong value, and L2 is used again within 2 s of Redis accepting connections, every
 * time. The lock (Redisson) recovers more slowly than the data client (Lettuce); its failures must never refuse reads.
 * Both nodes keep their default tier settings (breaker, reconnect delay), as a user's would.
 */
@RedisTest(owned = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class RedisRestartIT {

    private static final Duration BACK_WITHIN = Duration.ofSeconds(2);
    private static final int RUNS = 5;

    private OwnedRedisServer redis;
    private String namespace;
    private final List<CacheTemplate> nodes = new ArrayList<>();
    private final List<RedisTier> tiers = new ArrayList<>();
    private final io.micrometer.core.instrument.MeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    @BeforeAll
    void startNodes(OwnedRedisServer redis, @RedisNamespace String namespace) {
        this.redis = redis;
        this.namespace = namespace;
        for (int i = 0; i < 2; i++) {
            RedisTier tier = RedisTier.builder().uri(redis.uri()).build();
            tiers.add(tier);
            nodes.add(CacheTemplate.builder().namespace(namespace).remote(tier)
                    .meterRegistry(meters, io.micrometer.core.instrument.Tags.of("node", String.valueOf(i)))
                    .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofMillis(300)).build()).build());
        }
    }

    @AfterAll
    void closeNodes() {
        nodes.forEach(CacheTemplate::close);
        redis.resume();
    }

    /** Threads on both nodes reading keys that keep missing L1 (so the L2, lock and lease paths are on every call). */
    private final class Load implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong calls = new AtomicLong();
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final ExecutorService pool;
        final List<Future<?>> workers = new ArrayList<>();

        Load(int threadsPerNode) throws InterruptedException {
            pool = Executors.newFixedThreadPool(threadsPerNode * nodes.size());
            CountDownLatch started = new CountDownLatch(threadsPerNode * nodes.size());
            for (int n = 0; n < nodes.size(); n++) {
                CacheTemplate node = nodes.get(n);
                for (int t = 0; t < threadsPerNode; t++) {
                    String prefix = "load-" + n + "-" + t + "-";
                    workers.add(pool.submit(() -> {
                        started.countDown();
                        long i = 0;
                        while (!stop.get()) {
                            String key = prefix + (i++ % 200);
                            try {
                                String v = node.remember("load", key, String.class, () -> "value-" + key);
                                if (!("value-" + key).equals(v)) {
                                    errors.add(new AssertionError("wrong value " + v + " for " + key));
                                }
                                if (i % 20 == 0) {
                                    node.invalidate("load", key);   // keeps misses (L2 read, lock, lease, fill) coming
                                }
                            } catch (Throwable e) {
                                errors.add(e);
                            }
                            calls.incrementAndGet();
                        }
                    }));
                }
            }
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            for (Future<?> w : workers) {
                w.get(20, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }
    }

    /**
     * How long until L2 serves again: node 0 fills a fresh key, node 1 (which never saw it) must read it from L2
     * without running its loader. Polled every 20 ms from {@code since}.
     */
    private Duration untilL2Serves(long since, String label) {
        AtomicInteger probes = new AtomicInteger();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            String key = label + "-probe-" + probes.incrementAndGet();
            nodes.get(0).remember("probe", key, String.class, () -> "p-" + key);
            AtomicInteger loads = new AtomicInteger();
            String v = nodes.get(1).remember("probe", key, String.class, () -> {
                loads.incrementAndGet();
                return "p-" + key;
            });
            assertThat(v).isEqualTo("p-" + key);
            return loads.get() == 0;
        });
        return Duration.ofNanos(System.nanoTime() - since);
    }

    private long lockFallbacks() {
        long sum = 0;
        for (CacheTemplate node : nodes) {
            sum += ((DefaultCacheTemplate) node).counters("load").lockFallbacks();
        }
        return sum;
    }

    @Test
    void sigkillAndRestartUnderLoad_l2ServesAgainWithin2s_everyRun() throws Exception {
        untilL2Serves(System.nanoTime(), "warm");
        List<Duration> back = new ArrayList<>();
        long fallbacksBefore = lockFallbacks();
        try (Load load = new Load(3)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> load.calls.get() > 500);
            for (int run = 0; run < RUNS; run++) {
                redis.stop();                                   // SIGKILL: connections reset, data gone
                long calls = load.calls.get();
                // down long enough for the breakers to open and the reconnect delays to grow to their cap
                await().atMost(Duration.ofSeconds(20)).until(() -> load.calls.get() > calls + 200
                        && tiers.stream().allMatch(t -> t.breakerState() == BreakerState.OPEN));
                Thread.sleep(1_500);   // an outage of some length, not a measurement wait
                redis.start();                                  // returns once it answers PING
                back.add(untilL2Serves(System.nanoTime(), "kill" + run));
            }
            assertThat(load.errors).as("no caller saw an exception or a wrong value").isEmpty();
        }
        System.out.println("L2 serving again after SIGKILL + restart, per run: " + back);
        assertThat(back).as("L2 serving again after each restart (ms: " + back + ")").allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(BACK_WITHIN));
        // an uncontended miss takes no lock (issue 17), so whether a lock call failed during the restarts depends on
        // contention; LockPathDownIT proves the fallback; here its count and its meter agree
        assertThat(lockFallbacks()).as("lock fallbacks never go down").isGreaterThanOrEqualTo(fallbacksBefore);
        double published = meters.get(io.lamina.cache.LaminaMeterNames.LOCK_FALLBACKS).tag("cache", "load").functionCounters().stream()
                .mapToDouble(io.micrometer.core.instrument.FunctionCounter::count).sum();
        assertThat(published).as("lamina.cache.lock.fallbacks").isEqualTo((double) lockFallbacks());
        assertThat(meters.get(io.lamina.cache.LaminaMeterNames.LOCK_BREAKER_STATE).tag("state", "closed").gauges()).hasSize(2);
    }

    @Test
    void sigstopAndSigcontUnderLoad_noCallerError_rightValues_l2ServesAgainWithin2s() throws Exception {
        untilL2Serves(System.nanoTime(), "warm-stop");
        List<Duration> back = new ArrayList<>();
        try (Load load = new Load(3)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> load.calls.get() > 500);
            for (int run = 0; run < 2; run++) {
                redis.pause();                                  // SIGSTOP: sockets open, no answers, timeouts only
                long calls = load.calls.get();
                await().atMost(Duration.ofSeconds(20)).until(() -> load.calls.get() > calls + 200);
                Thread.sleep(1_500);   // an outage of some length, not a measurement wait
                redis.resume();
                back.add(untilL2Serves(System.nanoTime(), "stop" + run));
            }
            assertThat(load.errors).as("no caller saw an exception or a wrong value").isEmpty();
        }
        System.out.println("L2 serving again after SIGSTOP + SIGCONT, per run: " + back);
        assertThat(back).as("L2 serving again after SIGCONT (ms: " + back + ")").allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(BACK_WITHIN));
    }
}
