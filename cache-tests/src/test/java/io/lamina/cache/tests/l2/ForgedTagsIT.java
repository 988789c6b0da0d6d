package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.ContextLoader;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, findings 1 (tags), 2 and 3: entries and bus messages written by hand by anyone who can write to Redis.
 * Tags fail closed; a forged or malformed message costs at most one extra miss per key and never disables caching.
 */
@RedisTest
@Timeout(60)
class ForgedTagsIT {

    record Product(long id, String name) {
    }

    private static final String CACHE_TAG = "\u0001cache:products";

    private Nodes nodes;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        nodes = new Nodes(redis, namespace + "-" + System.nanoTime());
    }

    @AfterEach
    void tearDown() throws Exception {
        nodes.close();
    }

    private CacheTemplate node() {
        return nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).build());
    }

    private static byte[] entry(boolean isNull, List<String> tags, long[] versions, String name) {
        long now = System.currentTimeMillis();
        byte[] payload = isNull ? new byte[0] : ("{\"id\":1,\"name\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8);
        return new Envelope(now, now + 600_000, isNull, tags, versions, payload).encode();
    }

    private void plant(byte[] entry) {
        nodes.redis().set(Nodes.bytes(nodes.entryKey("products", "1")), entry);
    }

    private static Product remember(CacheTemplate node, AtomicInteger loads) {
        return node.remember("products", 1L, Product.class, () -> {
            loads.incrementAndGet();
            return new Product(1, "real");
        });
    }

    @Test
    void entryWithoutTags_isAMiss_repairedByTheLoad() {
        plant(entry(false, List.of(), new long[0], "planted"));
        CacheTemplate a = node();
        AtomicInteger loads = new AtomicInteger();

        assertThat(remember(a, loads)).isEqualTo(new Product(1, "real"));
        assertThat(loads).hasValue(1);
        CacheTemplate b = node();   // a fresh node is served the repaired entry from L2
        assertThat(remember(b, loads)).isEqualTo(new Product(1, "real"));
        assertThat(loads).hasValue(1);
    }

    @Test
    void entryWithoutTags_doesNotSurviveInvalidateAll() {
        CacheTemplate a = node();
        AtomicInteger loads = new AtomicInteger();
        remember(a, loads);
        a.invalidateAll("products");
        plant(entry(false, List.of(), new long[0], "planted"));   // planted after the invalidation
        a.invalidateAll("products");

        CacheTemplate b = node();
        assertThat(remember(b, loads)).isEqualTo(new Product(1, "real"));
        assertThat(loads).hasValue(2);
    }

    @Test
    void plantedNullSentinelWithoutTags_doesNotHideAnExistingProduct() {
        CacheTemplate a = node();
        AtomicInteger loads = new AtomicInteger();
        remember(a, loads);
        plant(entry(true, List.of(), new long[0], null));

        CacheTemplate b = node();
        assertThat(remember(b, loads)).isEqualTo(new Product(1, "real"));
        assertThat(loads).hasValue(2);
    }

    @Test
    void entryWithAFarFutureVersion_costsOneMiss_thenCachingWorks() {
        plant(entry(false, List.of(CACHE_TAG), new long[] {Long.MAX_VALUE}, "planted"));
        CacheTemplate a = node();
        AtomicInteger loads = new AtomicInteger();

        for (int i = 0; i < 10; i++) {
            assertThat(remember(a, loads)).isEqualTo(new Product(1, "real"));
        }
        assertThat(loads).hasValue(1);
        CacheTemplate b = node();
        for (int i = 0; i < 10; i++) {
            assertThat(remember(b, loads)).isEqualTo(new Product(1, "real"));
        }
        assertThat(loads).hasValue(1);
    }

    @Test
    void forgedAndMalformedBusMessages_costAtMostOneMissPerKey_andNeverDisableCaching() throws Exception {
        CacheTemplate a = node();
        CacheTemplate b = node();
        AtomicInteger loads = new AtomicInteger();
        ContextLoader<Product> tagged = ctx -> {
            loads.incrementAndGet();
            ctx.tags("t");
            return new Product(2, "tagged");
        };
        remember(a, loads);
        a.remember("products", 2L, Product.class, tagged);
        assertThat(loads).hasValue(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().busHealthy());
        long receivedBefore = a.nodeStats().invalidationsReceived();

        String channel = nodes.namespace() + ":bus";
        nodes.redis().publish(Nodes.bytes(channel), message(2, "forger", "products", List.of(), 0));            // ALL without a version
        nodes.redis().publish(Nodes.bytes(channel), message(1, "forger", "", List.of("t", "u"), 1, 5L));        // TAGS, wrong count
        nodes.redis().publish(Nodes.bytes(channel), message(2, "forger", "products", List.of(), 1, Long.MAX_VALUE));
        nodes.redis().publish(Nodes.bytes(channel), message(1, "forger", "", List.of("t"), 1, Long.MAX_VALUE));
        nodes.redis().publish(Nodes.bytes(channel), message(1, "forger", "", List.of("t"), 1, -1L));             // negative
        // the two well-formed ones (with far-future versions) are handled; the malformed ones dropped before use
        await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().invalidationsReceived() == receivedBefore + 2);

        for (int i = 0; i < 10; i++) {
            assertThat(remember(a, loads)).isEqualTo(new Product(1, "real"));
            assertThat(a.remember("products", 2L, Product.class, tagged)).isEqualTo(new Product(2, "tagged"));
        }
        assertThat(loads).hasValue(2);   // each key's L2 entry is still valid: served from L2, no reload

        // invalidations still work, and caching after them
        b.invalidateTags("t");
        b.invalidateAll("products");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().invalidationsReceived() >= receivedBefore + 4);
        for (int i = 0; i < 10; i++) {
            assertThat(remember(a, loads)).isEqualTo(new Product(1, "real"));
            assertThat(a.remember("products", 2L, Product.class, tagged)).isEqualTo(new Product(2, "tagged"));
        }
        assertThat(loads).hasValue(4);
    }

    /** A bus message written by hand: format 1, kind, origin, cache, names, then {@code versionCount} and the versions. */
    private static byte[] message(int kind, String origin, String cache, List<String> names, int versionCount, long... versions) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeByte(kind);
            out.writeUTF(origin);
            out.writeUTF(cache);
            out.writeShort(names.size());
            for (String n : names) {
                out.writeUTF(n);
            }
            out.writeShort(versionCount);
            for (long v : versions) {
                out.writeLong(v);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }
}
