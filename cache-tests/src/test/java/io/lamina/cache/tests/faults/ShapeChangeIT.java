package io.lamina.cache.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheStats;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.TypeRef;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.spi.JsonCodec;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling deploy that changes a cached value class: two versions of one service, each with its own
 * {@code com.example.Price} (the same class name, compiled here into two class loaders; version 2 has a
 * {@code currency} field more), each its own {@link CacheTemplate} and {@link RedisTier} on one Redis and one
 * namespace. An entry written with the other version's shape is a miss and a reload, counted as a shape
 * mismatch, never a half-filled object; and the two versions side by side reload each key at most once per
 * L1 TTL, not in a storm.
 */
@RedisTest
@Timeout(60)
class ShapeChangeIT {

    private static final String V1 = "package com.example; public record Price(String sku, long cents) { }";
    private static final String V2 = "package com.example; public record Price(String sku, long cents, String currency) { }";

    @TempDir
    static Path classes;
    private static URLClassLoader loader1;
    private static URLClassLoader loader2;

    private RedisServer redis;
    private String namespace;
    private final List<CacheTemplate> open = new ArrayList<>();

    /** One deployed version of the service: its Price class and its cache node. */
    private final class Version {
        final Class<Object> price;
        final CacheTemplate cache;
        final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();

        @SuppressWarnings("unchecked")
        Version(ClassLoader loader, CacheOptions options) throws ClassNotFoundException {
            this.price = (Class<Object>) Class.forName("com.example.Price", true, loader);
            RedisTier tier = RedisTier.builder().uri(redis.uri()).commandTimeout(Duration.ofSeconds(2)).build();
            this.cache = CacheTemplate.builder().namespace(namespace).remote(tier).defaults(options).build();
            open.add(cache);
        }

        boolean hasCurrency() {
            return price.getRecordComponents().length == 3;
        }

        Object newPrice(String sku) {
            try {
                return hasCurrency()
                        ? price.getConstructor(String.class, long.class, String.class).newInstance(sku, 100L, "EUR")
                        : price.getConstructor(String.class, long.class).newInstance(sku, 100L);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        Object remember(String key) {
            return cache.remember("prices", key, price, () -> {
                loads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                return newPrice(key);
            });
        }

        int loads() {
            return loads.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        CacheStats stats() {
            return cache.stats("prices");
        }

        long fingerprint() {
            return JsonCodec.create().fingerprint(price);
        }
    }

    @BeforeAll
    static void compileBothVersions() throws IOException {
        loader1 = compile("v1", V1);
        loader2 = compile("v2", V2);
    }

    private static URLClassLoader compile(String version, String source) throws IOException {
        Path src = classes.resolve(version + "-src/com/example/Price.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path out = classes.resolve(version);
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "17", "-d", out.toString(), src.toString());
        assertThat(rc).as("javac of " + version).isZero();
        return new URLClassLoader(new URL[] {out.toUri().toURL()}, ShapeChangeIT.class.getClassLoader());
    }

    @AfterAll
    static void closeLoaders() throws IOException {
        loader1.close();
        loader2.close();
    }

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace, TestInfo test) {
        this.redis = redis;
        this.namespace = namespace + "-" + Integer.toHexString(test.getTestMethod().orElseThrow().getName().hashCode());
    }

    @AfterEach
    void tearDown() {
        open.forEach(CacheTemplate::close);
    }

    private static CacheOptions options() {
        return CacheOptions.builder().ttl(Duration.ofMinutes(5)).jitter(Duration.ZERO).build();
    }

    private static Object component(Object record, String name) {
        try {
            return record.getClass().getMethod(name).invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private Envelope stored(String key) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            byte[] bytes = c.sync().get((namespace + ":e:{prices:" + key + "}").getBytes(StandardCharsets.UTF_8));
            return bytes == null ? null : Envelope.decode(bytes);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void theTwoVersions_haveOneClassName_andDifferentFingerprints() throws Exception {
        Version v1 = new Version(loader1, options());
        Version v2 = new Version(loader2, options());

        assertThat(v1.price.getName()).isEqualTo(v2.price.getName());
        assertThat(v1.price).isNotEqualTo(v2.price);
        assertThat(v1.fingerprint()).isNotZero().isNotEqualTo(v2.fingerprint());
    }

    @Test
    void newVersion_readingAnEntryOfTheOldShape_loadsInsteadOfServingAHalfFilledObject() throws Exception {
        Version v1 = new Version(loader1, options());
        Version v2 = new Version(loader2, options());
        v1.remember("A-1");
        assertThat(stored("A-1").shape()).isEqualTo(v1.fingerprint());

        Object served = v2.remember("A-1");

        assertThat(component(served, "currency")).isEqualTo("EUR");
        assertThat(v2.loads()).isEqualTo(1);
        assertThat(v2.stats().shapeMismatches()).isGreaterThanOrEqualTo(1);
        assertThat(v2.stats().decodeFailures()).isZero();
        assertThat(stored("A-1").shape()).isEqualTo(v2.fingerprint());
    }

    @Test
    void oldVersion_readingAnEntryOfTheNewShape_loadsToo() throws Exception {
        Version v1 = new Version(loader1, options());
        Version v2 = new Version(loader2, options());
        v2.remember("B-1");

        Object served = v1.remember("B-1");

        assertThat(served.getClass()).isSameAs(v1.price);
        assertThat(component(served, "cents")).isEqualTo(100L);
        assertThat(v1.loads()).isEqualTo(1);
        assertThat(v1.stats().shapeMismatches()).isGreaterThanOrEqualTo(1);
        assertThat(v1.stats().decodeFailures()).isZero();
        assertThat(stored("B-1").shape()).isEqualTo(v1.fingerprint());
    }

    @Test
    void aPutOfTheOtherShape_isAMissToo_andAPutOfTheSameShape_aHit() throws Exception {
        Version v1 = new Version(loader1, options());
        Version v2 = new Version(loader2, options());
        Version v2b = new Version(loader2, options());
        v1.cache.put("prices", "C-1", v1.newPrice("C-1"));
        v2b.cache.put("prices", "C-2", v2b.newPrice("C-2"));

        assertThat(component(v2.remember("C-1"), "currency")).isEqualTo("EUR");
        assertThat(v2.remember("C-2")).isEqualTo(v2b.newPrice("C-2"));

        assertThat(v2.loads.keySet()).containsExactly("C-1");
        assertThat(v2.stats().l2Hits()).isEqualTo(1);
    }

    /** An entry of the release before fingerprints (envelope format 1, no shape) is read as before: not a miss. */
    @Test
    void anEntryOfTheReleaseBefore_formatOne_isServedWithoutAShapeCheck() throws Exception {
        Version v1 = new Version(loader1, options());
        v1.remember("H-0");   // creates the cache's own tag; a format-1 entry must carry its version
        Envelope current = stored("H-0");
        byte[] json = "{\"sku\":\"H-1\",\"cents\":7}".getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis();
        byte[] tag = current.tags().get(0).getBytes(StandardCharsets.UTF_8);
        byte[] formatOne = java.nio.ByteBuffer.allocate(2 + 1 + 1 + 8 + 8 + 2 + 2 + tag.length + 8 + 4 + json.length)
                .put((byte) 'L').put((byte) 'M').put((byte) 1).put((byte) 0).putLong(now).putLong(now + 60_000)
                .putShort((short) 1).putShort((short) tag.length).put(tag).putLong(current.tagVersions()[0])
                .putInt(json.length).put(json).array();
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            c.sync().set((namespace + ":e:{prices:H-1}").getBytes(StandardCharsets.UTF_8), formatOne);
        } finally {
            client.shutdown();
        }

        Object served = v1.remember("H-1");

        assertThat(component(served, "cents")).isEqualTo(7L);
        assertThat(v1.loads.keySet()).containsExactly("H-0");
        assertThat(v1.stats().l2Hits()).isEqualTo(1);
        assertThat(v1.stats().shapeMismatches()).isZero();
        assertThat(v1.stats().decodeFailures()).isZero();
    }

    /**
     * Both versions read the same keys from many threads over several L1 TTLs. Each reload of a version
     * overwrites the other's entry, so the other reloads when its L1 copy expires: at most once per key per
     * L1 TTL each, plus the first load, and never a half-filled object.
     */
    @Test
    @Timeout(60)
    void twoVersionsSideBySide_reloadEachKeyAtMostOncePerL1Ttl() throws Exception {
        Duration l1Ttl = Duration.ofMillis(500);
        Duration run = Duration.ofSeconds(5);
        int keys = 20;
        int threadsPerVersion = 4;
        CacheOptions options = options().toBuilder().l1Ttl(l1Ttl).build();
        Version v1 = new Version(loader1, options);
        Version v2 = new Version(loader2, options);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            names.add("F-" + i);
        }
        AtomicReference<String> wrong = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerVersion);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        long[] window = new long[2];
        try {
            for (Version v : List.of(v1, v2)) {
                for (int t = 0; t < threadsPerVersion; t++) {
                    running.add(pool.submit(() -> {
                        start.await();
                        long end = window[0] + run.toNanos();
                        while (System.nanoTime() - end < 0) {
                            String key = names.get(ThreadLocalRandom.current().nextInt(keys));
                            Object served = v.remember(key);
                            reads.incrementAndGet();
                            boolean whole = served.getClass() == v.price && component(served, "sku").equals(key)
                                    && (!v.hasCurrency() || "EUR".equals(component(served, "currency")));
                            if (!whole) {
                                wrong.compareAndSet(null, (v.hasCurrency() ? "v2" : "v1") + " served " + served + " for " + key);
                            }
                        }
                        return null;
                    }));
                }
            }
            window[0] = System.nanoTime();
            start.countDown();
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            window[1] = System.nanoTime();
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(wrong.get()).as("a value of the wrong shape was served").isNull();
        double seconds = (window[1] - window[0]) / 1e9;
        long bound = (long) Math.ceil((window[1] - window[0]) / (double) l1Ttl.toNanos()) + 1;
        int max1 = v1.loads.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
        int max2 = v2.loads.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
        System.out.printf("ShapeChangeIT flip-flop: %d keys, %.2f s, L1 TTL %d ms, %d reads; loads v1 %d (max %d per key),"
                        + " v2 %d (max %d per key); bound %d per key; shape mismatches v1 %d, v2 %d%n",
                keys, seconds, l1Ttl.toMillis(), reads.get(), v1.loads(), max1, v2.loads(), max2, bound,
                v1.stats().shapeMismatches(), v2.stats().shapeMismatches());
        Set<String> all = Set.copyOf(names);
        assertThat(v1.loads.keySet()).isEqualTo(all);
        assertThat(v2.loads.keySet()).isEqualTo(all);
        assertThat(max1).isLessThanOrEqualTo((int) bound);
        assertThat(max2).isLessThanOrEqualTo((int) bound);
    }

    @Test
    void aGenericTypeWrittenAndReadThroughTypeRefs_neverMismatchesItself() throws Exception {
        Version v2 = new Version(loader2, options());
        Version v2b = new Version(loader2, options());
        AtomicInteger loads = new AtomicInteger();
        TypeRef<List<Object>> written = listOf(v2.price);
        TypeRef<List<Object>> read = listOf(v2.price);
        List<Object> value = List.of(v2.newPrice("G-1"), v2.newPrice("G-2"));

        v2.cache.remember("lists", "page-1", written, () -> {
            loads.incrementAndGet();
            return value;
        });
        List<Object> served = v2b.cache.remember("lists", "page-1", read, () -> {
            loads.incrementAndGet();
            return value;
        });
        v2.cache.putAll("lists", Map.of("page-2", value));
        List<Object> put = v2b.cache.remember("lists", "page-2", read, () -> {
            loads.incrementAndGet();
            return value;
        });

        assertThat(served).isEqualTo(value);
        assertThat(put).isEqualTo(value);
        assertThat(loads).hasValue(1);
        assertThat(v2b.cache.stats("lists").shapeMismatches()).isZero();
        assertThat(v2b.cache.stats("lists").l2Hits()).isEqualTo(2);
    }

    @SuppressWarnings("unchecked")
    private static TypeRef<List<Object>> listOf(Class<?> element) {
        java.lang.reflect.ParameterizedType list = new java.lang.reflect.ParameterizedType() {
            @Override
            public java.lang.reflect.Type[] getActualTypeArguments() {
                return new java.lang.reflect.Type[] {element};
            }

            @Override
            public java.lang.reflect.Type getRawType() {
                return List.class;
            }

            @Override
            public java.lang.reflect.Type getOwnerType() {
                return null;
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof java.lang.reflect.ParameterizedType p && p.getRawType() == List.class
                        && p.getOwnerType() == null && java.util.Arrays.equals(p.getActualTypeArguments(), getActualTypeArguments());
            }

            @Override
            public int hashCode() {
                return java.util.Arrays.hashCode(getActualTypeArguments()) ^ List.class.hashCode();
            }
        };
        return (TypeRef<List<Object>>) (TypeRef<?>) TypeRef.of(list);
    }
}
