package io.lamina.cache.tests.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.RedisNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Every path of Lamina under a least-privilege ACL user created on {@code redisNodes} with {@code aclRules} (password
 * {@code s3cret}): reads, fills, puts, tags, invalidateAll, contended locks and the bus work; Lamina's connections are
 * that user's ({@code CLIENT LIST}); {@code ACL LOG} stays empty on every node; no lock key is left.
 */
final class AclScenario {

    static final String PASSWORD = "s3cret";

    private AclScenario() {
    }

    static void run(List<RedisNode> redisNodes, String aclRules, Supplier<RedisTier.Builder> tier, String namespace)
            throws Exception {
        List<String> rules = new ArrayList<>(List.of("ACL", "SETUSER", "lamina"));
        rules.addAll(List.of(aclRules.split(" ")));
        for (RedisNode node : redisNodes) {
            node.call(rules.toArray(String[]::new));
            node.call("ACL", "LOG", "RESET");
        }
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(1)).lockWait(Duration.ofSeconds(5)).build();
        TopologyNodes nodes = new TopologyNodes(() -> tier.get().username("lamina").password("s3cret")
                .commandTimeout(Duration.ofMillis(500)), namespace);
        try (nodes) {
            List<CacheTemplate> four = nodes.nodes(4, options);
            CacheTemplate a = four.get(0);
            CacheTemplate b = four.get(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy());
            AtomicInteger loads = new AtomicInteger();
            for (int k = 0; k < 30; k++) {
                int key = k;
                a.remember("products", key, String.class, ctx -> {
                    ctx.tags("category:" + (key % 3));
                    return "v" + key + "#" + loads.incrementAndGet();
                });
            }
            for (int k = 0; k < 30; k++) {
                assertThat(b.remember("products", k, String.class, () -> "loaded twice")).startsWith("v" + k + "#");
            }
            assertThat(loads).hasValue(30);
            a.put("products", 1, "put");
            await().atMost(Duration.ofSeconds(5)).until(() -> "put".equals(b.remember("products", 1, String.class, () -> "x")));
            b.invalidateTags("category:0");
            await().atMost(Duration.ofSeconds(5)).until(() -> "reloaded".equals(a.remember("products", 0, String.class, () -> "reloaded")));
            a.invalidateAll("products");
            await().atMost(Duration.ofSeconds(5)).until(() -> "all".equals(b.remember("products", 2, String.class, () -> "all")));
            assertThat(Stampede.loads(four, "products", "hot", 25)).as("contended locks under the user").isEqualTo(1);
            long asLamina = 0;   // the connections really are the restricted user's (the default user can do anything)
            for (RedisNode node : redisNodes) {
                asLamina += java.util.Arrays.stream(node.call("CLIENT", "LIST").split("\\n")).filter(l -> l.contains(" user=lamina ")).count();
            }
            assertThat(asLamina).as("connections authenticated as lamina").isGreaterThanOrEqualTo(4);
            for (int i = 0; i < 4; i++) {
                assertThat(four.get(i).stats("products").l2Errors()).as("node %s: denied commands are remote errors", i).isZero();
                assertThat(nodes.tier(i).unlockFailures()).as("node %s: unlocks", i).isZero();
            }
        }
        java.util.Set<String> denied = new java.util.TreeSet<>();
        for (RedisNode node : redisNodes) {
            String log = node.call("ACL", "LOG");
            String[] fields = (log == null ? "" : log).split("\n");
            for (int i = 0; i + 1 < fields.length; i++) {
                if (fields[i].equals("object")) {
                    denied.add(fields[i + 1]);
                }
            }
        }
        assertThat(denied).as("what ACL LOG shows denied on any node").isEmpty();
        for (RedisNode node : redisNodes) {
            assertThat(node.call("EVAL", "return #redis.call('KEYS', ARGV[1])", "0", namespace + ":l:*"))
                    .as("locks left on %s", node).isIn("0", null);
        }
    }
}
