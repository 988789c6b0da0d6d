package io.lamina.cache.tests.l2;

import io.lamina.cache.CacheClock;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.CacheTemplateBuilder;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Several cache nodes for one test: each node is a {@link CacheTemplate} with its own Lettuce and
 * Redisson clients, as in separate JVMs. Also a raw connection for looking at what Redis holds. Close it
 * after the test.
 */
final class Nodes implements AutoCloseable {

    private final RedisServer server;
    private final String namespace;
    private final List<CacheTemplate> open = new ArrayList<>();
    private RedisClient rawClient;
    private StatefulRedisConnection<byte[], byte[]> raw;

    Nodes(RedisServer server, String namespace) {
        this.server = server;
        this.namespace = namespace;
    }

    CacheTemplate node(CacheOptions defaults) {
        return node(defaults, b -> b);
    }

    CacheTemplate node(CacheOptions defaults, UnaryOperator<CacheTemplateBuilder> customize) {
        return node(defaults, CacheClock.system(), customize);
    }

    CacheTemplate node(CacheOptions defaults, CacheClock clock, UnaryOperator<CacheTemplateBuilder> customize) {
        RedisTier tier = RedisTier.builder().uri(server.uri()).commandTimeout(Duration.ofMillis(300)).build();
        CacheTemplate template = customize.apply(CacheTemplate.builder()
                .namespace(namespace)
                .clock(clock)
                .remote(tier)
                .defaults(defaults)).build();
        open.add(template);
        return template;
    }

    RedisCommands<byte[], byte[]> redis() {
        if (raw == null) {
            rawClient = RedisClient.create(server.uri());
            raw = rawClient.connect(ByteArrayCodec.INSTANCE);
        }
        return raw.sync();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    String namespace() {
        return namespace;
    }

    String entryKey(String cache, String key) {
        return namespace + ":e:{" + cache + ":" + key + "}";
    }

    @Override
    public void close() {
        for (CacheTemplate c : open) {
            c.close();
        }
        if (raw != null) {
            raw.close();
            rawClient.shutdown();
        }
    }
}
