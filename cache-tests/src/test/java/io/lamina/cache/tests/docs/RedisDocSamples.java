package io.lamina.cache.tests.docs;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;

/** docs/redis.md. Compiled, not run: it names a fixed Redis address. */
final class RedisDocSamples {

    private RedisDocSamples() {
    }

    static CacheTemplate template() {
        // region redis-template
        CacheTemplate cache = CacheTemplate.builder()
                .namespace("shop")
                .remote(RedisTier.create("redis://127.0.0.1:6379"))
                .build();
        // endregion
        return cache;
    }
}
