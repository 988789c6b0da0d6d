package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.CacheTemplateBuilder;
import io.lamina.cache.internal.envelope.EntrySigner;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, finding 1: anyone who can write to Redis plants values every node serves. With a signing key, entries
 * are authenticated (HMAC-SHA256 over namespace, cache, formatted key and envelope): a planted, foreign-key or moved
 * entry is a counted miss, loaded once, and the load stores a signed entry other nodes serve. Without a key,
 * a well-formed planted entry is served, as documented in docs/redis.md.
 */
@RedisTest
@Timeout(60)
class SignedEntriesIT {

    record Product(long id, String name) {
    }

    private static final byte[] K1 = key(1);
    private static final byte[] K2 = key(2);

    private Nodes nodes;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        nodes = new Nodes(redis, namespace + "-" + System.nanoTime());
    }

    @AfterEach
    void tearDown() throws Exception {
        nodes.close();
    }

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed * 31 + i);
        }
        return k;
    }

    private CacheTemplate node(UnaryOperator<CacheTemplateBuilder> keys) {
        return nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).build(), keys);
    }

    /**
     * A well-formed entry written by hand, as an intruder would: the tags, versions and shape copied from the entry a
     * node wrote at key 2 (so it passes every check but the signature), with another payload.
     */
    private byte[] planted(String name) {
        byte[] real = stored("2");
        Envelope written = real[1] == 'S' ? Envelope.decode(real, EntrySigner.HEADER, real.length - EntrySigner.HEADER) : Envelope.decode(real);
        byte[] payload = ("{\"id\":1,\"name\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8);
        return new Envelope(written.createdAt(), written.freshUntil(), false, written.shape(), written.tags(), written.tagVersions(),
                payload).encode();
    }

    private void plant(String key, byte[] entry) {
        nodes.redis().set(Nodes.bytes(nodes.entryKey("products", key)), entry);
    }

    private byte[] stored(String key) {
        return nodes.redis().get(Nodes.bytes(nodes.entryKey("products", key)));
    }

    private static Product remember(CacheTemplate node, long id, AtomicInteger loads) {
        return node.remember("products", id, Product.class, () -> {
            loads.incrementAndGet();
            return new Product(id, "real");
        });
    }

    @Test
    void withoutAKey_aPlantedWellFormedEntryIsServed_asDocumented() {
        CacheTemplate a = node(b -> b);
        AtomicInteger loads = new AtomicInteger();
        remember(a, 2, loads);   // the cache's tag exists in Redis, as on any running system
        plant("1", planted("planted"));

        CacheTemplate b = node(x -> x);
        assertThat(remember(b, 1, loads)).isEqualTo(new Product(1, "planted"));
        assertThat(loads).hasValue(1);
        assertThat(b.stats("products").signatureFailures()).isZero();
    }

    @Test
    void withAKey_plantedUnsignedAndWronglySignedEntries_areCountedMisses_loadedOnce_andRepairedWithASignedEntry() {
        CacheTemplate a = node(b -> b.signingKey(K1));
        AtomicInteger loads = new AtomicInteger();
        remember(a, 2, loads);
        assertThat(loads).hasValue(1);

        byte[] unsigned = planted("planted");
        byte[] wronglySigned = EntrySigner.of(key(9), List.of()).sign(new RemoteKey(nodes.namespace(), "products", "3"), unsigned);
        byte[] tampered = stored("2").clone();   // A's own signed entry, one payload byte changed
        tampered[tampered.length - 3] ^= 1;
        plant("1", unsigned);
        plant("3", wronglySigned);
        plant("2", tampered);

        CacheTemplate b = node(x -> x.signingKey(K1));
        for (long id : new long[] {1, 3, 2}) {
            assertThat(remember(b, id, loads)).isEqualTo(new Product(id, "real"));
        }
        assertThat(loads).hasValue(4);   // one load per planted key
        assertThat(b.stats("products").signatureFailures()).isGreaterThanOrEqualTo(3);   // read before and under the lock
        assertThat(b.stats("products").decodeFailures()).isZero();
        for (String k : List.of("1", "2", "3")) {
            byte[] now = stored(k);
            assertThat(now[0]).isEqualTo((byte) 'L');
            assertThat(now[1]).as("Redis now holds a signed entry at %s", k).isEqualTo((byte) 'S');
            assertThat(EntrySigner.of(K1, List.of()).verify(new RemoteKey(nodes.namespace(), "products", k), now)).isNull();
        }

        CacheTemplate c = node(x -> x.signingKey(K1));   // a fresh node is served the repaired entries from L2
        for (long id : new long[] {1, 2, 3}) {
            assertThat(remember(c, id, loads)).isEqualTo(new Product(id, "real"));
        }
        assertThat(loads).hasValue(4);
        assertThat(c.stats("products").l2Hits()).isEqualTo(3);
        assertThat(c.stats("products").signatureFailures()).isZero();
    }

    @Test
    void rotation_aNodeWithTheNewKeyAcceptingTheOld_readsOldEntries_andANodeWithTheOldKeyAcceptingTheNewReadsItsWrites_butOnlyK2RejectsK1() {
        AtomicInteger loads = new AtomicInteger();
        CacheTemplate a = node(b -> b.signingKey(K1));
        remember(a, 1, loads);
        assertThat(loads).hasValue(1);

        CacheTemplate b = node(x -> x.signingKey(K2).acceptedSigningKeys(K1));
        assertThat(remember(b, 1, loads)).isEqualTo(new Product(1, "real"));
        assertThat(loads).as("B reads A's K1 entry").hasValue(1);
        remember(b, 2, loads);
        assertThat(loads).hasValue(2);

        CacheTemplate c = node(x -> x.signingKey(K1).acceptedSigningKeys(K2));
        assertThat(remember(c, 2, loads)).isEqualTo(new Product(2, "real"));
        assertThat(loads).as("a K1 node accepting K2 reads B's K2 entry").hasValue(2);
        assertThat(c.stats("products").signatureFailures()).isZero();

        CacheTemplate onlyK2 = node(x -> x.signingKey(K2));
        assertThat(remember(onlyK2, 2, loads)).isEqualTo(new Product(2, "real"));
        assertThat(loads).as("K2 entries are read by a K2-only node").hasValue(2);
        assertThat(remember(onlyK2, 1, loads)).isEqualTo(new Product(1, "real"));
        assertThat(loads).as("a K2-only node rejects the K1 entry and loads").hasValue(3);
        assertThat(onlyK2.stats("products").signatureFailures()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anEntryCopiedUnderAnotherKey_isRejected() {
        AtomicInteger loads = new AtomicInteger();
        CacheTemplate a = node(b -> b.signingKey(K1));
        CacheTemplate admin = node(b -> b.signingKey(K1));
        remember(a, 1, loads);
        admin.put("products", 2L, new Product(2, "admin only"));
        byte[] one = stored("1");
        byte[] two = stored("2");
        plant("1", two);   // same bytes, another formatted key
        assertThat(stored("1")).isEqualTo(two).isNotEqualTo(one);

        CacheTemplate b = node(x -> x.signingKey(K1));
        assertThat(remember(b, 1, loads)).isEqualTo(new Product(1, "real"));
        assertThat(loads).hasValue(2);
        assertThat(b.stats("products").signatureFailures()).isGreaterThanOrEqualTo(1);
        assertThat(Arrays.equals(stored("1"), two)).isFalse();
    }

    @Test
    void aNodeWithoutAKey_readsSignedEntriesAsUnreadable_neverServesThem() {
        AtomicInteger loads = new AtomicInteger();
        CacheTemplate signed = node(b -> b.signingKey(K1));
        remember(signed, 1, loads);

        CacheTemplate keyless = node(b -> b);
        assertThat(remember(keyless, 1, loads)).isEqualTo(new Product(1, "real"));
        assertThat(loads).hasValue(2);
        assertThat(keyless.stats("products").decodeFailures()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void bulkReadsAndPutAll_signAndVerifyToo() {
        AtomicInteger loads = new AtomicInteger();
        CacheTemplate a = node(b -> b.signingKey(K1));
        a.putAll("products", java.util.Map.of(10L, new Product(10, "put"), 11L, new Product(11, "put")));
        remember(a, 2, loads);
        plant("12", planted("planted"));

        CacheTemplate b = node(x -> x.signingKey(K1));
        java.util.Map<Long, Product> got = b.rememberAll("products", List.of(10L, 11L, 12L), Product.class, missing -> {
            loads.addAndGet(missing.size());
            java.util.Map<Long, Product> out = new java.util.HashMap<>();
            for (Long id : missing) {
                out.put(id, new Product(id, "real"));
            }
            return out;
        });
        assertThat(got).containsEntry(10L, new Product(10, "put")).containsEntry(11L, new Product(11, "put"))
                .containsEntry(12L, new Product(12, "real"));
        assertThat(loads).hasValue(2);   // key 2 by A, key 12 (planted) by B
        assertThat(b.stats("products").signatureFailures()).isGreaterThanOrEqualTo(1);
        assertThat(stored("12")[1]).isEqualTo((byte) 'S');
    }
}
