package io.lamina.cache.tests.docs;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheStats;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import java.time.Duration;
import java.util.List;

/** docs/operations.md. {@link DocSamplesTest} runs the L1 sizing one; the others need a Redis. */
final class OperationsSamples {

    private OperationsSamples() {
    }

    /** What a cache's counters tell about Redis; compiled, not run. */
    static String health(CacheTemplate cache) {
        // region operations-health
        CacheStats s = cache.stats("products");
        long redisFailures = s.l2Errors();       // Redis calls that failed or timed out and became misses
        long staleAnswers = s.staleServed();     // calls answered by fail-safe after a failed load
        double hitRatio = s.hitRatio();          // (L1 hits + L2 hits) / requests
        double l2HitRatio = s.l2HitRatio();      // L2 hits / (L2 hits + misses): falls to 0 while Redis is down
        // endregion
        return redisFailures + " " + staleAnswers + " " + hitRatio + " " + l2HitRatio;
    }

    /** L1 bounded by weight. */
    static CacheOptions byWeight() {
        // region operations-weight
        CacheOptions products = CacheOptions.builder()
                .maximumWeight(64L * 1024 * 1024, (key, value) ->     // about 64 MiB of products in L1
                        value == null ? 64 : 128 + 2 * ((Product) value).name().length())
                .l1Ttl(Duration.ofMinutes(1))
                .build();
        // endregion
        return products;
    }

    /** Cluster and Sentinel; compiled, not run. */
    static List<RedisTier> topologies() {
        // region operations-topologies
        RedisTier cluster = RedisTier.builder()
                .cluster(List.of("redis://10.0.0.1:6379", "redis://10.0.0.2:6379", "redis://10.0.0.3:6379"))
                .build();
        RedisTier sentinel = RedisTier.create("redis-sentinel://10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379#cache");
        // endregion
        return List.of(cluster, sentinel);
    }

    /** Two applications on one Redis; compiled, not run. */
    static List<CacheTemplate> namespaces(String url) {
        // region operations-namespaces
        CacheTemplate shop = CacheTemplate.builder().namespace("shop").remote(RedisTier.create(url)).build();
        CacheTemplate billing = CacheTemplate.builder().namespace("billing").remote(RedisTier.create(url)).build();
        // endregion
        return List.of(shop, billing);
    }
}
