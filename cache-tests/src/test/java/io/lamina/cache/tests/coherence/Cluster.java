package io.lamina.cache.tests.coherence;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.internal.DefaultCacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.spi.RemoteTier;
import io.lamina.cache.tests.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Several nodes of one namespace, each a template with its own clients; closes them all. */
final class Cluster implements AutoCloseable {

    final String namespace;
    private final RedisServer server;
    private final List<CacheTemplate> nodes = new ArrayList<>();
    private RedisClient admin;
    private StatefulRedisConnection<String, String> adminConnection;

    Cluster(RedisServer server, String namespace) {
        this.server = server;
        this.namespace = namespace;
    }

    CacheTemplate node(CacheOptions defaults) {
        return node(defaults, UnaryOperator.identity());
    }

    CacheTemplate node(CacheOptions defaults, UnaryOperator<RemoteTier> wrap) {
        RemoteTier tier = wrap.apply(RedisTier.builder().uri(server.uri()).commandTimeout(Duration.ofMillis(500)).build());
        CacheTemplate t = CacheTemplate.builder().namespace(namespace).remote(tier).defaults(defaults)
                .busCheckInterval(Duration.ofMillis(100)).build();
        nodes.add(t);
        return t;
    }

    /** Waits until the node's invalidation subscription is up (its own heartbeat came back). */
    static CacheTemplate ready(CacheTemplate node) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> ((DefaultCacheTemplate) node).coherence().healthy());
        return node;
    }

    String uri() {
        return server.uri();
    }

    RedisCommands<String, String> redis() {
        if (admin == null) {
            admin = RedisClient.create(server.uri());
            adminConnection = admin.connect();
        }
        return adminConnection.sync();
    }

    @Override
    public void close() {
        nodes.forEach(CacheTemplate::close);
        if (admin != null) {
            adminConnection.close();
            admin.shutdown();
        }
    }
}
