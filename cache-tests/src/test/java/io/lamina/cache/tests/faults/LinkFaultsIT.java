package io.lamina.cache.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.FaultProxy;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connection layer under faults of its links (issue 13, findings 3, 5 and 6, and the pub/sub and delayed-reply
 * scenarios): a silent death of every established link, writes paused by the server, an oversized and a foreign entry,
 * {@code CLIENT KILL TYPE pubsub}, and replies delayed while another node invalidates.
 */
@RedisTest
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinkFaultsIT {

    private static final CacheOptions L2_ONLY = CacheOptions.builder().ttl(Duration.ofMinutes(5)).l1Enabled(false).build();
    private static final CacheOptions WITH_L1 = CacheOptions.builder().ttl(Duration.ofMinutes(5)).build();

    private final Closer open = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        open.close();
    }

    private CacheTemplate node(String uri, String namespace, CacheOptions options, RedisTier.Builder tier) {
        CacheTemplate template = CacheTemplate.builder().namespace(namespace).remote(tier.uri(uri).build()).defaults(options)
                .busCheckInterval(Duration.ofMillis(500)).build();
        open.add(template::close);
        return template;
    }

    private CacheTemplate node(String uri, String namespace, CacheOptions options) {
        return node(uri, namespace, options, RedisTier.builder().commandTimeout(Duration.ofMillis(500)));
    }

    private FaultProxy proxy(RedisServer redis) {
        FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
        open.add(proxy);
        return proxy;
    }

    private StatefulRedisConnection<byte[], byte[]> raw(RedisServer redis) {
        RedisClient client = RedisClient.create(redis.uri());
        StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
        open.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        return c;
    }

    /** Finding 3: the established links stop passing bytes without RST or FIN; new connections still work. */
    @Test
    void silentDeathOfEveryLink_isHealed_L2AndTheBusWorkAgainWithinTheBoundPlus2s(RedisServer redis,
            @RedisNamespace String namespace) throws Exception {
        FaultProxy proxy = proxy(redis);
        CacheTemplate a = node(proxy.uri(), namespace, L2_ONLY);
        CacheTemplate b = node(redis.uri(), namespace, L2_ONLY);
        assertThat(b.remember("c", "resident", String.class, () -> "stored by b")).isEqualTo("stored by b");
        // a fresh node's first calls may fail while its connections open (a counted miss): wait until it reads L2
        awaitTrue(Duration.ofSeconds(10), () -> "stored by b".equals(a.remember("c", "resident", String.class, () -> "loaded by a"))
                && a.nodeStats().busHealthy(), "A reads B's entry from L2, its bus healthy");
        long hitsBefore = a.stats("c").l2Hits();

        proxy.established(FaultProxy.Mode.DROP);   // every open link goes silent; new ones pass
        long died = System.nanoTime();
        AtomicInteger loads = new AtomicInteger();
        awaitTrue(Duration.ofSeconds(15), () -> {
            a.remember("c", "resident", String.class, () -> "loaded by a " + loads.incrementAndGet());
            return a.stats("c").l2Hits() > hitsBefore + 0 && a.nodeStats().busHealthy() && l2HitNow(a);
        }, "L2 and the bus on A again");
        long healedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - died);
        System.out.printf("silent link death: L2 and bus healthy again after %d ms%n", healedMillis);
        assertThat(healedMillis).as("healed within linkCheck (3 s) + 2 s").isLessThanOrEqualTo(5_000);

        // and invalidations flow both ways again
        CacheTemplate a1 = a;
        b.put("c", "resident", "v2");
        awaitTrue(Duration.ofSeconds(5), () -> "v2".equals(a1.remember("c", "resident", String.class, () -> "loaded")), "A reads v2");
    }

    private static boolean l2HitNow(CacheTemplate node) {
        long before = node.stats("c").l2Hits();
        node.remember("c", "resident", String.class, () -> "loaded");
        return node.stats("c").l2Hits() == before + 1;
    }

    /**
     * Finding 5: {@code CLIENT PAUSE 1500 WRITE} while the node writes: reads of L2-resident keys, single and by page, never
     * go to the loader, although a miss's first step is a script (a write) that the pause holds back.
     */
    @Test
    void writesPausedByTheServer_neverSendAnL2ResidentKeyToTheLoader(RedisServer redis, @RedisNamespace String namespace)
            throws Exception {
        CacheTemplate a = node(redis.uri(), namespace, L2_ONLY, RedisTier.builder().commandTimeout(Duration.ofSeconds(1)));
        for (int i = 0; i < 50; i++) {
            int n = i;
            a.remember("c", "k" + i, String.class, () -> "v" + n);
        }
        AtomicInteger loads = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            List<String> page = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                page.add("k" + i);
            }
            work.add(pool.submit(() -> {   // a page reader: the bulk read (MGET) is on the reads link too
                start.await();
                while (running.get()) {
                    assertThat(a.rememberAll("c", page, String.class, missing -> {
                        loads.addAndGet(missing.size());
                        return java.util.Map.of();
                    })).hasSize(10).containsEntry("k9", "v9");
                    reads.incrementAndGet();
                }
                return null;
            }));
            for (int t = 0; t < 4; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    start.await();
                    for (int i = thread; running.get(); i = (i + 1) % 50) {
                        int n = i;
                        assertThat(a.remember("c", "k" + i, String.class, () -> {
                            loads.incrementAndGet();
                            return "v" + n;
                        })).isEqualTo("v" + n);
                        reads.incrementAndGet();
                    }
                    return null;
                }));
            }
            work.add(pool.submit(() -> {   // a writer: each of its writes is held by the pause in turn
                start.await();
                for (int i = 0; running.get(); i++) {
                    a.put("w", "w" + i, "x");
                    a.invalidate("w", "w" + i);
                }
                return null;
            }));
            start.countDown();
            awaitTrue(Duration.ofSeconds(5), () -> reads.get() > 200, "reads under way");
            int before = reads.get();
            long pausedAt = System.nanoTime();
            raw(redis).sync().dispatch(io.lettuce.core.protocol.CommandType.CLIENT,
                    new io.lettuce.core.output.StatusOutput<>(ByteArrayCodec.INSTANCE),
                    new io.lettuce.core.protocol.CommandArgs<>(ByteArrayCodec.INSTANCE).add("PAUSE").add(1500).add("WRITE"));
            awaitTrue(Duration.ofSeconds(10), () -> System.nanoTime() - pausedAt > TimeUnit.MILLISECONDS.toNanos(2500),
                    "the pause and a second after it");
            running.set(false);
            for (Future<?> f : work) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(reads.get() - before).as("reads during and after the pause").isGreaterThan(100);
        } finally {
            running.set(false);
            pool.shutdownNow();
        }
        assertThat(loads).as("L2-resident keys sent to the loader").hasValue(0);
        assertThat(a.stats("c").l2Errors()).as("failed reads").isZero();
        // a miss's first step is a script (the entry, else the fill lease), a write the pause holds back: reads went
        // to the reads link instead while writes were held back, and no lease was left behind
        assertThat(a.nodeStats().remoteEvents().get("held_back_reads")).as("first steps that read first").isPositive();
        byte[][] leases = new byte[50][];
        for (int i = 0; i < 50; i++) {
            leases[i] = (namespace + ":f:{c:k" + i + "}").getBytes(StandardCharsets.UTF_8);
        }
        assertThat(raw(redis).sync().exists(leases)).as("fill leases left").isZero();
    }

    /**
     * A miss during {@code CLIENT PAUSE WRITE} of a key Redis does not hold: its read-or-lease script times out, the read
     * that follows finds nothing, the value is loaded here; when the pause ends the server runs the held script, which
     * takes the fill lease, and the give-back sent after it on the same link ends it at once. Left alone, the lease would
     * make every other node's miss of the key wait up to lockWait for 30 s.
     */
    @Test
    void aMissDuringAWritePause_leavesNoFillLeaseBehind(RedisServer redis, @RedisNamespace String namespace) throws Exception {
        CacheTemplate a = node(redis.uri(), namespace, L2_ONLY, RedisTier.builder().commandTimeout(Duration.ofMillis(300)));
        a.remember("c", "warm", String.class, () -> "w");   // connections open, scripts loaded
        StatefulRedisConnection<byte[], byte[]> admin = raw(redis);
        byte[] lease = (namespace + ":f:{c:cold}").getBytes(StandardCharsets.UTF_8);
        AtomicInteger loads = new AtomicInteger();

        admin.sync().dispatch(io.lettuce.core.protocol.CommandType.CLIENT,
                new io.lettuce.core.output.StatusOutput<>(ByteArrayCodec.INSTANCE),
                new io.lettuce.core.protocol.CommandArgs<>(ByteArrayCodec.INSTANCE).add("PAUSE").add(1000).add("WRITE"));
        long pausedAt = System.nanoTime();
        assertThat(a.remember("c", "cold", String.class, () -> "loaded " + loads.incrementAndGet())).isEqualTo("loaded 1");
        assertThat(System.nanoTime() - pausedAt).as("answered while writes were paused")
                .isLessThan(TimeUnit.MILLISECONDS.toNanos(1000));
        assertThat(a.nodeStats().remoteEvents().get("held_back_reads")).isEqualTo(1L);

        // the pause ends at 1 s; the held script and then the give-back run; check a while after that
        awaitTrue(Duration.ofSeconds(10), () -> System.nanoTime() - pausedAt > TimeUnit.MILLISECONDS.toNanos(2000), "the pause over");
        assertThat(admin.sync().exists(lease)).as("the fill lease the held script took").isZero();
        // and the key is loadable at once by the next miss, which takes the lease and fills
        assertThat(a.remember("c", "cold", String.class, () -> "loaded " + loads.incrementAndGet())).isEqualTo("loaded 2");
        assertThat(admin.sync().get((namespace + ":e:{c:cold}").getBytes(StandardCharsets.UTF_8))).isNotNull();
    }

    /** Finding 6: a 50 MB blob at an entry key is a miss that is never transferred whole, and the next fill replaces it. */
    @Test
    void anOversizedEntry_isAMissNeverTransferredWhole_andTheFillReplacesIt(RedisServer redis, @RedisNamespace String namespace)
            throws Exception {
        FaultProxy proxy = proxy(redis);
        CacheTemplate a = node(proxy.uri(), namespace, L2_ONLY, RedisTier.builder().commandTimeout(Duration.ofSeconds(1)));
        a.remember("c", "warm", String.class, () -> "w");   // connections open, scripts loaded
        byte[] key = (namespace + ":e:{c:blob}").getBytes(StandardCharsets.UTF_8);
        raw(redis).sync().set(key, new byte[50 * 1024 * 1024]);
        long down = proxy.bytesForwarded(FaultProxy.Direction.SERVER_TO_CLIENT);
        AtomicInteger loads = new AtomicInteger();

        assertThat(a.remember("c", "blob", String.class, () -> "fresh " + loads.incrementAndGet())).isEqualTo("fresh 1");

        long moved = proxy.bytesForwarded(FaultProxy.Direction.SERVER_TO_CLIENT) - down;
        assertThat(moved).as("bytes moved from Redis (the read stops at maxValueSize, 4 MiB)").isLessThan(5L * 1024 * 1024);
        assertThat(a.stats("c").decodeFailures()).as("the oversized entry is counted (by the read and the lease's re-read)")
                .isBetween(1L, 2L);
        assertThat(a.stats("c").l2Errors()).isZero();
        assertThat(raw(redis).sync().strlen(key)).as("Redis holds the fill now").isLessThan(1024);
        CacheTemplate b = node(redis.uri(), namespace, L2_ONLY);
        assertThat(b.remember("c", "blob", String.class, () -> "loaded by b")).isEqualTo("fresh 1");
    }

    /** A key of another type at an entry key (WRONGTYPE) is a counted miss, and the fill replaces it. */
    @Test
    void aForeignKeyAtAnEntryKey_isACountedMiss_andTheFillReplacesIt(RedisServer redis, @RedisNamespace String namespace) {
        CacheTemplate a = node(redis.uri(), namespace, L2_ONLY);
        byte[] key = (namespace + ":e:{c:hash}").getBytes(StandardCharsets.UTF_8);
        raw(redis).sync().hset(key, "f".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));

        assertThat(a.remember("c", "hash", String.class, () -> "fresh")).isEqualTo("fresh");

        assertThat(a.stats("c").decodeFailures()).isBetween(1L, 2L);
        assertThat(a.stats("c").l2Errors()).isZero();
        assertThat(raw(redis).sync().type(key)).isEqualTo("string");
        assertThat(a.remember("c", "hash", String.class, () -> "loaded again")).isEqualTo("fresh");
        assertThat(a.stats("c").l2Hits()).isEqualTo(1);
    }

    /** {@code CLIENT KILL TYPE pubsub}: the subscriber comes back, and invalidations reach the node again. */
    @Test
    void killedSubscriber_comesBack_andInvalidationsFlowAgain(RedisServer redis, @RedisNamespace String namespace) throws Exception {
        CacheTemplate a = node(redis.uri(), namespace, WITH_L1);
        CacheTemplate b = node(redis.uri(), namespace, WITH_L1);
        assertThat(a.remember("sub", "k", String.class, () -> "v1")).isEqualTo("v1");
        awaitTrue(Duration.ofSeconds(10), () -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy(), "buses healthy");
        long reconnects = a.nodeStats().busReconnects();

        raw(redis).sync().dispatch(io.lettuce.core.protocol.CommandType.CLIENT,
                new io.lettuce.core.output.IntegerOutput<>(ByteArrayCodec.INSTANCE),
                new io.lettuce.core.protocol.CommandArgs<>(ByteArrayCodec.INSTANCE).add("KILL").add("TYPE").add("pubsub"));

        awaitTrue(Duration.ofSeconds(10), () -> a.nodeStats().busReconnects() > reconnects && a.nodeStats().busHealthy(),
                "A's subscription back");
        assertThat(a.remember("sub", "k", String.class, () -> "v1 again")).isIn("v1", "v1 again");
        b.put("sub", "k", "v2");
        awaitTrue(Duration.ofSeconds(5), () -> "v2".equals(a.remember("sub", "k", String.class, () -> "loaded")), "A serves v2");
    }

    /**
     * Replies to node A are delayed while node B invalidates a key A is reading: the old value A reads late never stays
     * in A's L1.
     */
    @Test
    void repliesDelayedWhileAnotherNodeInvalidates_neverLeaveTheOldValueInL1(RedisServer redis, @RedisNamespace String namespace)
            throws Exception {
        FaultProxy proxy = proxy(redis);
        CacheTemplate a = node(proxy.uri(), namespace, WITH_L1, RedisTier.builder().commandTimeout(Duration.ofSeconds(2)));
        CacheTemplate b = node(redis.uri(), namespace, WITH_L1);
        String[] database = {"v1"};
        assertThat(b.remember("late", "k", String.class, () -> database[0])).isEqualTo("v1");
        awaitTrue(Duration.ofSeconds(10), () -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy(), "buses healthy");

        proxy.mode(FaultProxy.Direction.SERVER_TO_CLIENT, FaultProxy.Mode.latency(Duration.ofMillis(400)));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            long requests = proxy.commandsReceived();
            Future<String> read = pool.submit(() -> a.remember("late", "k", String.class, () -> database[0]));
            // A's GET reached Redis; its reply is on its way back, slowly
            awaitTrue(Duration.ofSeconds(5), () -> proxy.commandsReceived() > requests, "A's GET sent");
            database[0] = "v2";
            b.invalidate("late", "k");
            assertThat(read.get(10, TimeUnit.SECONDS)).isIn("v1", "v2");
        } finally {
            pool.shutdownNow();
        }
        proxy.mode(FaultProxy.Direction.SERVER_TO_CLIENT, FaultProxy.Mode.PASS);
        awaitTrue(Duration.ofSeconds(5), () -> "v2".equals(a.remember("late", "k", String.class, () -> database[0])),
                "A serves v2 (its late v1 did not stay)");
        for (int i = 0; i < 20; i++) {
            assertThat(a.remember("late", "k", String.class, () -> database[0])).isEqualTo("v2");
        }
    }

    private static void awaitTrue(Duration limit, BooleanSupplier condition, String what) {
        org.awaitility.Awaitility.await(what).atMost(limit).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }
}
