package io.lamina.cache.tests.topology;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Cache nodes on one Redis deployment (a cluster or a Sentinel group): each node is a {@link CacheTemplate} with
 * its own Lettuce and Redisson clients, as in separate JVMs. Close it after the test.
 */
final class TopologyNodes implements AutoCloseable {

    private final Supplier<RedisTier.Builder> tier;
    private final String namespace;
    private final List<CacheTemplate> open = new ArrayList<>();
    private final List<RedisTier> tiers = new ArrayList<>();

    TopologyNodes(Supplier<RedisTier.Builder> tier, String namespace) {
        this.tier = tier;
        this.namespace = namespace;
    }

    static TopologyNodes cluster(List<String> seeds, String namespace) {
        return new TopologyNodes(() -> RedisTier.builder().cluster(seeds).commandTimeout(Duration.ofMillis(500))
                .topologyRefresh(Duration.ofSeconds(5)), namespace);
    }

    static TopologyNodes sentinel(String sentinelUri, String namespace) {
        return new TopologyNodes(() -> RedisTier.builder().uri(sentinelUri).commandTimeout(Duration.ofMillis(500))
                .topologyRefresh(Duration.ofSeconds(5)), namespace);
    }

    CacheTemplate node(CacheOptions defaults) {
        return node(defaults, t -> t);
    }

    CacheTemplate node(CacheOptions defaults, UnaryOperator<RedisTier.Builder> customize) {
        RedisTier redis = customize.apply(tier.get()).build();
        CacheTemplate template = CacheTemplate.builder()
                .namespace(namespace)
                .remote(redis)
                .defaults(defaults)
                .build();
        open.add(template);
        tiers.add(redis);
        return template;
    }

    List<CacheTemplate> nodes(int count, CacheOptions defaults) {
        List<CacheTemplate> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(node(defaults));
        }
        return nodes;
    }

    /** The Redis tier of the {@code index}-th node made. */
    RedisTier tier(int index) {
        return tiers.get(index);
    }

    String entryKey(String cache, Object key) {
        return namespace + ":e:{" + cache + ":" + key + "}";
    }

    String namespace() {
        return namespace;
    }

    @Override
    public void close() {
        open.forEach(CacheTemplate::close);
    }
}
