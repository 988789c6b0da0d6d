package io.lamina.cache.redis.internal;

import io.lamina.cache.spi.RemoteKey;
import java.nio.charset.StandardCharsets;

/**
 * The Redis key layout. Every key starts with the namespace; an entry, its fill lease and its lock share
 * the hash tag {@code {cache:key}}, so they live in one Redis Cluster slot and one script may touch them
 * together. Namespace and cache names hold no braces (validated) and the key string has its braces
 * escaped, so user text cannot choose the slot.
 *
 * <pre>
 * ns:e:{cache:key}   entry (envelope bytes), TTL = logical TTL + fail-safe window (+ jitter)
 * ns:f:{cache:key}   fill lease (token), TTL = lock lease
 * ns:l:{cache:key}   lock across JVMs (Redisson RLock hash)
 * ns:t:{tag}         a tag's version (its own slot), TTL = tagTtl since its last use
 * ns:bus             the invalidation channel
 * </pre>
 */
public final class RedisKeys {

    private RedisKeys() {
    }

    public static String entry(RemoteKey key) {
        return key.namespace() + ":e:{" + key.cache() + ":" + key.key() + "}";
    }

    public static String lease(RemoteKey key) {
        return key.namespace() + ":f:{" + key.cache() + ":" + key.key() + "}";
    }

    public static String lock(RemoteKey key) {
        return key.namespace() + ":l:{" + key.cache() + ":" + key.key() + "}";
    }

    public static String tag(io.lamina.cache.spi.TagKey tag) {
        return tag.namespace() + ":t:{" + tag.tag() + "}";
    }

    public static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
