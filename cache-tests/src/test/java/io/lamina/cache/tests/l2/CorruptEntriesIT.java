package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;

/** Bytes in Redis that are not a readable entry are a miss, counted, and repaired by the next load. */
@RedisTest
@Timeout(30)
class CorruptEntriesIT {

    record Product(long id, String name) {
    }

    record Other(String title, List<Integer> numbers) {
    }

    private Nodes nodes;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        nodes = new Nodes(redis, namespace + "-" + System.nanoTime());
    }

    @AfterEach
    void tearDown() throws Exception {
        nodes.close();
    }

    static List<Object[]> corruptValues() {
        long now = System.currentTimeMillis();
        byte[] unknownVersion = new Envelope(now, now + 60_000, false, List.of(), new long[0], "{}".getBytes(StandardCharsets.UTF_8)).encode();
        unknownVersion[2] = 99;
        byte[] otherShape = new Envelope(now, now + 60_000, false, List.of(), new long[0],
                "{\"title\":\"t\",\"numbers\":[1,2]}".getBytes(StandardCharsets.UTF_8)).encode();
        byte[] notJson = new Envelope(now, now + 60_000, false, List.of(), new long[0], new byte[] {1, 2, 3}).encode();
        byte[] truncated = java.util.Arrays.copyOf(otherShape, otherShape.length - 5);
        int payloadLength = "{\"title\":\"t\",\"numbers\":[1,2]}".getBytes(StandardCharsets.UTF_8).length;
        byte[] lyingLength = ByteBuffer.allocate(otherShape.length).put(otherShape)
                .putInt(otherShape.length - payloadLength - 4, 1 << 30).array();
        return List.of(
                new Object[] {"random bytes", new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}},
                new Object[] {"written by another program", "hello world".getBytes(StandardCharsets.UTF_8)},
                new Object[] {"empty", new byte[0]},
                new Object[] {"unknown format version", unknownVersion},
                new Object[] {"payload of another type", otherShape},
                new Object[] {"payload that is not JSON", notJson},
                new Object[] {"truncated envelope", truncated},
                new Object[] {"length field past the end", lyingLength});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptValues")
    void unreadableEntry_isAMiss_countedAndRepairedByTheNextLoad(String what, byte[] stored) {
        CacheTemplate node = nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).build());
        byte[] key = Nodes.bytes(nodes.entryKey("products", "1"));
        nodes.redis().set(key, stored);
        AtomicInteger loads = new AtomicInteger();

        Product p = node.remember("products", 1L, Product.class, () -> {
            loads.incrementAndGet();
            return new Product(1, "fresh");
        });

        assertThat(p).isEqualTo(new Product(1, "fresh"));
        assertThat(loads).hasValue(1);
        if (stored.length > 0) {
            // an empty string is read as absent (the bounded read, GETRANGE, answers "" for both): a miss, not counted
            assertThat(node.stats("products").decodeFailures()).isGreaterThanOrEqualTo(1);
        }
        Envelope repaired = Envelope.decode(nodes.redis().get(key));
        assertThat(new String(repaired.payload(), StandardCharsets.UTF_8)).contains("fresh");

        CacheTemplate other = nodes.node(CacheOptions.builder().build());
        assertThat(other.remember("products", 1L, Product.class, () -> new Product(1, "again"))).isEqualTo(p);
    }
}
