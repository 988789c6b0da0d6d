package io.lamina.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.redisson.config.Config;

/**
 * The Redisson configuration RedisTier derives from its URI: locks must live in the same database as the entries
 * Lettuce writes, whatever the deployment shape. Builds configurations only; connects to nothing.
 */
class RedissonConfigTest {

    @Test
    void sentinelUri_withADatabase_givesRedissonTheSameDatabase() {
        Config config = RedisTier.builder().uri("redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/2#shop").redissonConfig();
        assertThat(config.isSentinelConfig()).isTrue();
        assertThat(config.useSentinelServers().getDatabase()).isEqualTo(2);
        assertThat(config.useSentinelServers().getMasterName()).isEqualTo("shop");
    }

    @Test
    void singleServerUri_withADatabase_givesRedissonTheSameDatabase() {
        Config config = RedisTier.builder().uri("redis://127.0.0.1:6390/3").redissonConfig();
        assertThat(config.useSingleServer().getDatabase()).isEqualTo(3);
    }
}
