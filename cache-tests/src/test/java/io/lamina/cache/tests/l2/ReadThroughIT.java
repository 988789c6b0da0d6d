package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheStats;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.ManualClock;
import io.lamina.cache.TypeRef;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.spi.JsonCodec;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

@RedisTest
@Timeout(30)
class ReadThroughIT {

    record Product(long id, String name) {
    }

    private Nodes nodes;
    private final AtomicInteger loads = new AtomicInteger();
    private final CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(10)).jitter(Duration.ofMinutes(1))
            .nullTtl(Duration.ofSeconds(30)).build();

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace, TestInfo test) {
        nodes = new Nodes(redis, namespace + "-" + test.getTestMethod().orElseThrow().getName().hashCode());
    }

    @AfterEach
    void tearDown() throws Exception {
        nodes.close();
    }

    private Product load(long id) {
        loads.incrementAndGet();
        return new Product(id, "p" + id);
    }

    @Test
    void loadedValue_isStoredInRedis_withJitteredTtl_andServedToAnotherNodeWithoutLoading() {
        CacheTemplate a = nodes.node(options);
        CacheTemplate b = nodes.node(options);

        assertThat(a.remember("products", 1L, Product.class, () -> load(1))).isEqualTo(new Product(1, "p1"));
        long pttl = nodes.redis().pttl(Nodes.bytes(nodes.entryKey("products", "1")));
        assertThat(pttl).isBetween(Duration.ofMinutes(10).toMillis() - 5_000, Duration.ofMinutes(11).toMillis());

        assertThat(b.remember("products", 1L, Product.class, () -> load(1))).isEqualTo(new Product(1, "p1"));
        assertThat(loads).hasValue(1);
        CacheStats stats = b.stats("products");
        assertThat(stats.l2Hits()).isEqualTo(1);
        assertThat(stats.misses()).isZero();

        // and B now serves it from its own L1
        b.remember("products", 1L, Product.class, () -> load(1));
        assertThat(b.stats("products").l1Hits()).isEqualTo(1);
    }

    @Test
    void jitteredTtls_inRedis_areSpreadAcrossTheWindow() {
        CacheTemplate a = nodes.node(options);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 200; i++) {
            int id = i;
            a.remember("products", id, Product.class, () -> load(id));
            long pttl = nodes.redis().pttl(Nodes.bytes(nodes.entryKey("products", Integer.toString(i))));
            min = Math.min(min, pttl);
            max = Math.max(max, pttl);
        }
        assertThat(max - min).as("spread of 200 TTLs in a 60 s window").isGreaterThan(Duration.ofSeconds(40).toMillis());
    }

    @Test
    void nullResult_isStoredAsTheSentinel_withTheNullTtl() {
        CacheTemplate a = nodes.node(options);
        CacheTemplate b = nodes.node(options);

        assertThat(a.remember("products", 404L, Product.class, () -> { loads.incrementAndGet(); return null; })).isNull();
        long pttl = nodes.redis().pttl(Nodes.bytes(nodes.entryKey("products", "404")));
        assertThat(pttl).isBetween(25_000L, 60_000L);
        Envelope stored = Envelope.decode(nodes.redis().get(Nodes.bytes(nodes.entryKey("products", "404"))));
        assertThat(stored.isNull()).isTrue();

        assertThat(b.remember("products", 404L, Product.class, () -> { loads.incrementAndGet(); return null; })).isNull();
        assertThat(loads).hasValue(1);
        assertThat(b.stats("products").nullHits()).isEqualTo(1);
    }

    @Test
    void genericTypes_roundTripThroughRedis() {
        CacheTemplate a = nodes.node(options);
        CacheTemplate b = nodes.node(options);
        TypeRef<List<Product>> listType = new TypeRef<>() { };

        a.remember("lists", "all", listType, () -> List.of(load(1), load(2)));
        List<Product> fromRedis = b.remember("lists", "all", listType, () -> List.of());
        assertThat(fromRedis).containsExactly(new Product(1, "p1"), new Product(2, "p2"));
    }

    @Test
    void l1Copy_neverOutlivesTheL2Entry() {
        ManualClock clockA = new ManualClock();
        ManualClock clockB = new ManualClock();
        CacheOptions tenMinutes = CacheOptions.builder().ttl(Duration.ofMinutes(10)).jitter(Duration.ZERO).build();
        CacheTemplate a = nodes.node(tenMinutes, clockA, x -> x);
        CacheTemplate b = nodes.node(tenMinutes, clockB, x -> x);
        a.remember("products", 1L, Product.class, () -> load(1));

        clockB.advance(Duration.ofMinutes(9));      // B reads the entry with one minute of freshness left
        b.remember("products", 1L, Product.class, () -> load(1));
        assertThat(loads).hasValue(1);

        clockB.advance(Duration.ofSeconds(61));     // B's L1 copy expired with the L2 entry's freshness
        assertThat(b.getIfPresent("products", 1L, Product.class)).isNull();
        b.remember("products", 1L, Product.class, () -> load(1));
        assertThat(loads).hasValue(2);
    }

    @Test
    void putAndInvalidate_changeRedisFirst() {
        CacheTemplate a = nodes.node(options);
        CacheTemplate b = nodes.node(options);
        a.put("products", 7L, new Product(7, "put"));
        assertThat(b.remember("products", 7L, Product.class, () -> load(7)).name()).isEqualTo("put");

        a.invalidate("products", 7L);
        assertThat(nodes.redis().exists(Nodes.bytes(nodes.entryKey("products", "7")))).isZero();
        CacheTemplate c = nodes.node(options);
        assertThat(c.remember("products", 7L, Product.class, () -> load(7)).name()).isEqualTo("p7");
        assertThat(loads).hasValue(1);
    }

    @Test
    void getIfPresent_readsL2_withoutLoading() {
        CacheTemplate a = nodes.node(options);
        CacheTemplate b = nodes.node(options);
        a.remember("products", 3L, Product.class, () -> load(3));
        assertThat(b.getIfPresent("products", 3L, Product.class).value()).isEqualTo(new Product(3, "p3"));
        assertThat(b.getIfPresent("products", 4L, Product.class)).isNull();
    }

    @Test
    void keysWithRedisSpecialCharacters_areEscapedAndStayInTheirOwnSlot() {
        CacheTemplate a = nodes.node(options);
        a.remember("products", "{evil}*?", Product.class, () -> load(1));
        assertThat(nodes.redis().exists(Nodes.bytes(nodes.entryKey("products", "%7Bevil%7D%2A%3F")))).isEqualTo(1);
    }

    @Test
    void valueOverTheSizeCap_isReturnedButNotStored() {
        CacheTemplate a = nodes.node(options, b -> b.codec(JsonCodec.builder().maxBytes(1_000).build()));
        String big = "x".repeat(5_000);
        assertThat(a.remember("blobs", 1, String.class, () -> { loads.incrementAndGet(); return big; })).isEqualTo(big);
        assertThat(nodes.redis().exists(Nodes.bytes(nodes.entryKey("blobs", "1")))).isZero();
        a.remember("blobs", 1, String.class, () -> { loads.incrementAndGet(); return big; });
        assertThat(loads).hasValue(2);
        assertThat(a.stats("blobs").decodeFailures()).isEqualTo(2);
    }
}
