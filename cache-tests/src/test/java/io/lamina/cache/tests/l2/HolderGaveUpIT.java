package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node waiting for another node's load takes the key over as soon as that node gives its fill lease back without
 * filling (its loader failed): it does not wait out {@code lockWait} for a value that will never come.
 */
@RedisTest
@Timeout(30)
class HolderGaveUpIT {

    @Test
    void aWaiter_loadsAtOnce_whenTheHoldersLoadFails(RedisServer redis, @RedisNamespace String namespace) throws Exception {
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(10)).build();
        try (Nodes nodes = new Nodes(redis, namespace + "-" + System.nanoTime())) {
            CacheTemplate a = nodes.node(options);
            CacheTemplate b = nodes.node(options);
            AtomicInteger loads = new AtomicInteger();
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch fail = new CountDownLatch(1);
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> a.remember("products", 1, String.class, () -> {
                loads.incrementAndGet();
                loading.countDown();
                fail.await(10, TimeUnit.SECONDS);
                throw new IllegalStateException("the database is down for a");
            }));
            assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
            long before = readsAndScripts(redis);
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> b.remember("products", 1, String.class, () -> {
                loads.incrementAndGet();
                return "loaded by b";
            }));
            // b is polling once it has read the key, found a's lease, taken the lock (with Redisson), found the lease again
            // under it and polled once: five commands
            await().atMost(Duration.ofSeconds(10)).until(() -> readsAndScripts(redis) >= before + 5);
            assertThat(second).as("b waits while a loads").isNotDone();
            long failedAt = System.nanoTime();
            fail.countDown();
            assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("the database is down for a");
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("loaded by b");
            long tookOver = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failedAt);
            assertThat(tookOver).as("ms from a's failure to b's value (lockWait is 10 s)").isLessThan(3_000);
            assertThat(loads).hasValue(2);
            assertThat(a.remember("products", 1, String.class, () -> "not loaded")).as("b's value is in Redis").isEqualTo("loaded by b");
        }
    }

    /** GETRANGE, EVALSHA and EVAL commands Redis ran (reads, Lamina's scripts, Redisson's), from INFO commandstats. */
    private static long readsAndScripts(RedisServer redis) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
        try (io.lettuce.core.api.StatefulRedisConnection<String, String> admin = client.connect()) {
            long calls = 0;
            for (String line : admin.sync().info("commandstats").split("\\r?\\n")) {
                for (String command : new String[] {"getrange", "evalsha", "eval"}) {
                    if (line.startsWith("cmdstat_" + command + ":calls=")) {
                        calls += Long.parseLong(line.substring(("cmdstat_" + command + ":calls=").length(), line.indexOf(',')));
                    }
                }
            }
            return calls;
        } finally {
            client.shutdown();
        }
    }
}
