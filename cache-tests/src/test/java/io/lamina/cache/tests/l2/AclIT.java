package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.OwnedRedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Redis ACL user with only the rights docs/redis.md lists: Lamina authenticates with user name and
 * password and works under it; a wrong password is a miss, not an error.
 */
@RedisTest(owned = true)
@Timeout(30)
class AclIT {

    static final String NAMESPACE = "acl-shop";
    /** Keep in sync with docs/redis.md, "Least-privilege ACL". */
    static final String ACL_RULES = "on >s3cret resetkeys ~" + NAMESPACE + ":* ~redisson_unlock_latch:" + NAMESPACE + ":*"
            + " ~redisson_lock__channel:" + NAMESPACE + ":*"
            + " resetchannels &" + NAMESPACE + ":*"
            + " &redisson_lock__channel:" + NAMESPACE + ":*"
            + " -@all +get +getrange +mget +strlen +set +del +eval +evalsha +pexpire +pttl +exists +hincrby +hexists +publish +time +info"
            + " +subscribe +unsubscribe +ping +hello +auth +client|setname +script|load +script|exists"
            + "";

    private static RedisClient admin;
    private static StatefulRedisConnection<String, String> adminConnection;

    @BeforeAll
    static void createUser(OwnedRedisServer redis) {
        admin = RedisClient.create(redis.uri());
        adminConnection = admin.connect();
        adminConnection.sync().aclLogReset();
        adminConnection.sync().aclSetuser("lamina", io.lettuce.core.AclSetuserArgs.Builder.reset());
        adminConnection.sync().dispatch(io.lettuce.core.protocol.CommandType.ACL,
                new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8)
                        .add("SETUSER").add("lamina").addValues(java.util.List.of(ACL_RULES.split(" "))));
    }

    @AfterAll
    static void close() {
        adminConnection.close();
        admin.shutdown();
    }

    @Test
    void leastPrivilegeUser_canReadWriteLockAndFence(OwnedRedisServer redis) throws InterruptedException {
        RedisTier tier = RedisTier.builder().uri(redis.uri()).username("lamina").password("s3cret")
                .commandTimeout(Duration.ofMillis(500)).build();
        try (CacheTemplate a = CacheTemplate.builder().namespace(NAMESPACE).remote(tier)
                .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(1)).build()).build();
             CacheTemplate b = CacheTemplate.builder().namespace(NAMESPACE)
                     .remote(RedisTier.builder().uri(redis.uri().replace("redis://", "redis://lamina:s3cret@")).build())
                     .build()) {
            AtomicInteger loads = new AtomicInteger();
            assertThat(a.remember("products", 1, String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
            assertThat(b.remember("products", 1, String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
            a.put("products", 2, "put");
            assertThat(b.remember("products", 2, String.class, () -> "loaded")).isEqualTo("put");
            a.invalidate("products", 2);
            assertThat(loads).hasValue(1);

            // a contended lock: B waits for A's load through Redisson's lock channel, then reads A's value
            java.util.concurrent.CountDownLatch loading = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CompletableFuture<String> holder = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    a.remember("products", 3, String.class, () -> {
                        loading.countDown();
                        Thread.sleep(300);
                        return "v" + loads.incrementAndGet();
                    }));
            assertThat(loading.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(b.remember("products", 3, String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v2");
            assertThat(holder.join()).isEqualTo("v2");
            assertThat(loads).hasValue(2);

            // batches under the same user: the bulk read (MGET), the bulk lease and fill scripts, putAll
            AtomicInteger bulkLoads = new AtomicInteger();
            assertThat(b.rememberAll("pages", List.of(1, 2, 3), String.class, missing -> {
                bulkLoads.incrementAndGet();
                Map<Integer, String> rows = new HashMap<>();
                missing.forEach(id -> rows.put(id, "row" + id));
                return rows;
            })).containsExactly(Map.entry(1, "row1"), Map.entry(2, "row2"), Map.entry(3, "row3"));
            a.putAll("pages", Map.of(4, "row4"));
            assertThat(a.rememberAll("pages", List.of(1, 2, 3, 4), String.class, missing -> {
                bulkLoads.incrementAndGet();
                return Map.of();
            })).as("read from Redis by the other node").hasSize(4).containsEntry(4, "row4");
            assertThat(bulkLoads).hasValue(1);
            a.invalidateAll("pages", List.of(1, 2));   // the batch invalidation script and its message
            assertThat(adminConnection.sync().exists(NAMESPACE + ":e:{pages:1}", NAMESPACE + ":e:{pages:2}")).isZero();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(b.remember("pages", 1, String.class, () -> "reloaded")).isEqualTo("reloaded"));
            assertThat(a.stats("pages").l2Errors()).as("no command of the batch invalidation was denied").isZero();

            // tags, invalidateTags, invalidateAll and the bus under the same user
            a.remember("products", 4, String.class, ctx -> {
                ctx.tags("category:1");
                return "tagged";
            });
            assertThat(b.remember("products", 4, String.class, () -> "other")).isEqualTo("tagged");
            b.invalidateTags("category:1");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(a.remember("products", 4, String.class, () -> "reloaded")).isEqualTo("reloaded"));
            a.invalidateAll("products");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(b.remember("products", 1, String.class, () -> "after invalidateAll")).isEqualTo("after invalidateAll"));
            assertThat(a.stats("products").l2Errors()).as("no command was denied").isZero();
            assertThat(b.stats("products").l2Errors()).isZero();
            assertThat(a.stats("products").l2Errors()).as("no command was denied").isZero();
            assertThat(b.stats("products").l2Errors()).isZero();
            assertThat(adminConnection.sync().exists(NAMESPACE + ":e:{products:1}")).isEqualTo(1);
            // every lock was released (Redisson's unlock script names its channel as a key): nothing denied, nothing counted
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(adminConnection.sync().exists(NAMESPACE + ":l:{products:3}")).as("the contended lock").isZero());
            assertThat(tier.unlockFailures()).as("unlock failures").isZero();
            assertThat(adminConnection.sync().aclLog()).as("ACL LOG (failed logins of the wrong-password test aside)")
                    .noneMatch(entry -> !"auth".equals(String.valueOf(entry.get("reason"))));
        }
    }

    @Test
    void refreshesUnderTheRestrictedUser_leaveNoLock_andNothingIsDenied(OwnedRedisServer redis) {
        RedisTier tier = RedisTier.builder().uri(redis.uri()).username("lamina").password("s3cret").build();
        try (CacheTemplate node = CacheTemplate.builder().namespace(NAMESPACE).remote(tier)
                .cache("refreshing", CacheOptions.builder().ttl(Duration.ofMinutes(1)).refreshAfter(Duration.ofMillis(200)).build())
                .build()) {
            AtomicInteger loads = new AtomicInteger();
            assertThat(node.remember("refreshing", 5, String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                node.remember("refreshing", 5, String.class, () -> "v" + loads.incrementAndGet());
                return node.stats("refreshing").refreshesCompleted() >= 2;
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(adminConnection.sync().exists(NAMESPACE + ":l:{refreshing:5}")).as("the refresh's lock").isZero());
            assertThat(node.stats("refreshing").l2Errors()).isZero();
            assertThat(tier.unlockFailures()).isZero();
            assertThat(adminConnection.sync().aclLog()).as("ACL LOG (failed logins of the wrong-password test aside)")
                    .noneMatch(entry -> !"auth".equals(String.valueOf(entry.get("reason"))));
        }
    }

    @Test
    void wrongPassword_isAMiss_notAnError(OwnedRedisServer redis) {
        try (CacheTemplate t = CacheTemplate.builder().namespace(NAMESPACE)
                .remote(RedisTier.builder().uri(redis.uri()).username("lamina").password("wrong").build()).build()) {
            assertThat(t.remember("products", 9, String.class, () -> "from the loader")).isEqualTo("from the loader");
            assertThat(t.stats("products").l2Errors()).isPositive();
        }
    }
}
