package io.lamina.cache.tests.docs;

import io.lamina.cache.CacheClock;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.LockTimeoutPolicy;
import io.lamina.cache.redis.RedisTier;
import io.lettuce.core.RedisClient;
import io.lamina.cache.spi.JsonCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ForkJoinPool;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** docs/configuration.md. {@link DocSamplesTest} builds the ones that need no Redis. */
final class ConfigurationSamples {

    private ConfigurationSamples() {
    }

    /** Every CacheOptions setter once (maximumWeight is the alternative to maximumSize, see operations.md). */
    static CacheOptions everyOption() {
        // region configuration-cache-options
        CacheOptions options = CacheOptions.builder()
                .ttl(Duration.ofMinutes(10))
                .nullTtl(Duration.ofSeconds(30))
                .cacheNulls(true)
                .jitter(Duration.ofMinutes(1))
                .maximumSize(10_000)
                .l1Ttl(Duration.ofMinutes(1))
                .refreshAhead(0.8)
                .failSafe(Duration.ofHours(1))
                .failSafeThrottle(Duration.ofSeconds(30))
                .softTimeout(Duration.ofMillis(200))
                .hardTimeout(Duration.ofSeconds(2))
                .lockWait(Duration.ofSeconds(3))
                .onLockTimeout(LockTimeoutPolicy.LOAD)
                .l1Enabled(true)
                .build();
        // endregion
        return options;
    }

    /** Inheritance: own options, then the template's defaults, then the built-ins. */
    static CacheTemplate inheritance() {
        // region configuration-inheritance
        CacheTemplate cache = CacheTemplate.builder()
                .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(10)).failSafe(Duration.ofHours(1)).build())
                .cache("products", CacheOptions.builder().ttl(Duration.ofMinutes(30)).build())  // fail-safe 1 h inherited
                .cache("prices")                                                                  // everything inherited
                .build();
        // endregion
        return cache;
    }

    /** Every CacheTemplateBuilder setter but remote, each at its default except the names. */
    static CacheTemplate everyTemplateOption() {
        // region configuration-template
        CacheTemplate cache = CacheTemplate.builder()
                .namespace("shop")
                .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(10)).build())
                .cache("products", CacheOptions.builder().ttl(Duration.ofMinutes(30)).build())
                .cache("prices")
                .tagTtl(Duration.ofDays(1))
                .busCheckInterval(Duration.ofSeconds(1))
                .loaderPool(2, 1_000)
                .executor(ForkJoinPool.commonPool())
                .clock(CacheClock.system())
                .codec(JsonCodec.builder().maxBytes(1 << 20).maxDepth(64).failOnUnknownProperties(true).build())
                .maxTagsPerEntry(32)
                .requireDeclaredCaches(true)
                .build();
        // endregion
        return cache;
    }

    /** Every RedisTier.Builder setter but cluster and clients; compiled, not run (it names files and hosts). */
    static RedisTier everyRedisOption() {
        // region configuration-redis-tier
        RedisTier redis = RedisTier.builder()
                .uri("rediss://cache.internal:6380/0")
                .username("lamina")
                .password(System.getenv("LAMINA_REDIS_PASSWORD"))
                .trustedCertificates(Path.of("/etc/lamina/redis-ca.pem"))
                .connectTimeout(Duration.ofSeconds(1))
                .commandTimeout(Duration.ofMillis(500))
                .lockLease(Duration.ofSeconds(30))
                .openDuration(Duration.ofSeconds(1))
                .breaker(20, 10, 50)
                .requestQueueSize(10_000)
                .build();
        // endregion
        return redis;
    }

    /** Clients the application owns; compiled, not run. */
    static RedisTier ownClients(Config redissonConfig) {
        // region configuration-own-clients
        RedisClient lettuce = RedisClient.create("redis://127.0.0.1:6379");   // your options, your lifecycle
        RedissonClient redisson = Redisson.create(redissonConfig);
        RedisTier redis = RedisTier.builder()
                .uri("redis://127.0.0.1:6379")
                .clients(lettuce, redisson)
                .build();
        // endregion
        return redis;
    }
}
