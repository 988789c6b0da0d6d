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
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A write whose caller saw a timeout never lands over a newer write (issue 13, finding 1): node A's link holds
 * its bytes (accepted, not delivered), A's {@code put} of v1 times out, node B puts v2, then the link heals
 * and the held bytes reach Redis. Redis must keep v2, and A, B and a fresh node C must all serve v2.
 */
@RedisTest
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LateWriteIT {

    private static final CacheOptions OPTIONS = CacheOptions.builder().ttl(Duration.ofMinutes(5)).build();

    private final Closer open = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        open.close();
    }

    private CacheTemplate node(String uri, String namespace) {
        RedisTier tier = RedisTier.builder().uri(uri).commandTimeout(Duration.ofSeconds(1)).build();
        CacheTemplate template = CacheTemplate.builder().namespace(namespace).remote(tier).defaults(OPTIONS)
                .busCheckInterval(Duration.ofMillis(200)).build();
        open.add(template::close);
        return template;
    }

    @Test
    void aHeldPutThatTimedOut_neverLandsOverALaterPut(RedisServer redis, @RedisNamespace String namespace) throws Exception {
        FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
        open.add(proxy);
        CacheTemplate a = node(proxy.uri(), namespace);
        CacheTemplate b = node(redis.uri(), namespace);
        AtomicInteger loads = new AtomicInteger();
        assertThat(a.remember("price", "p1", String.class, () -> "v0")).isEqualTo("v0");
        awaitTrue(() -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy(), "both buses healthy");

        proxy.established(FaultProxy.Direction.CLIENT_TO_SERVER, FaultProxy.Mode.HOLD);
        long evalsBefore = evalCalls(redis);
        a.put("price", "p1", "v1");   // held: times out after ~1 s, the bytes wait in the proxy
        assertThat(a.stats("price").l2Errors()).as("A's put failed").isPositive();
        b.put("price", "p1", "v2");
        long evalsAfterB = evalCalls(redis);
        assertThat(evalsAfterB).isGreaterThan(evalsBefore);

        proxy.established(FaultProxy.Direction.CLIENT_TO_SERVER, FaultProxy.Mode.PASS);
        proxy.release();
        // A's held script reaches Redis and runs (refused or not): wait for Redis to count it
        awaitTrue(() -> evalCalls(redis) > evalsAfterB, "A's held write to reach Redis");

        // Redis holds the newest write, or nothing (a late invalidation is harmless: the next read loads the database's
        // value), never the late v1
        String held = entry(redis, namespace + ":e:{price:p1}");
        assertThat(held).as("what Redis holds").satisfiesAnyOf(v -> assertThat(v).endsWith("\"v2\""), v -> assertThat(v).isEqualTo("null"));
        CacheTemplate c = node(redis.uri(), namespace);
        assertThat(c.remember("price", "p1", String.class, () -> {
            loads.incrementAndGet();
            return "v2";   // the database
        })).as("a fresh node").isEqualTo("v2");
        // 0 loads if it read v2 from Redis, 1 if A's replayed invalidation (below) had removed it just before
        assertThat(loads.get()).as("loads by the fresh node").isLessThanOrEqualTo(1);
        awaitTrue(() -> "v2".equals(b.remember("price", "p1", String.class, () -> "v2")), "B serves v2");
        awaitTrue(() -> "v2".equals(a.remember("price", "p1", String.class, () -> "v2")), "A serves v2");
        // A's failed put is also replayed as an invalidation of the key once A's link works (never as v1): Redis then
        // holds v2 again (a node's fill) or nothing
        assertThat(entry(redis, namespace + ":e:{price:p1}")).as("what Redis holds at the end")
                .satisfiesAnyOf(v -> assertThat(v).endsWith("\"v2\""), v -> assertThat(v).isEqualTo("null"));
    }

    private static String entry(RedisServer redis, String key) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return String.valueOf(c.sync().get(key));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static long evalCalls(RedisServer redis) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            long calls = 0;
            for (String line : c.sync().info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                    String v = line.substring(line.indexOf("calls=") + 6);
                    calls += Long.parseLong(v.substring(0, v.indexOf(',')));
                }
            }
            return calls;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .until(condition::getAsBoolean);
    }
}
