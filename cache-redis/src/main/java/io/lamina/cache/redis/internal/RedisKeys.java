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

    /**
     * {@code bytes(entry(key))} in one step: the bytes written straight from the parts when they are all ASCII (the
     * namespace and the cache name always are; most keys too), without the intermediate string. A page read builds one
     * per key.
     */
    public static byte[] entryBytes(RemoteKey key) {
        byte[] out = direct(key, ":e:{");
        return out != null ? out : bytes(entry(key));
    }

    /** {@code bytes(lease(key))} in one step, as {@link #entryBytes}. */
    public static byte[] leaseBytes(RemoteKey key) {
        byte[] out = direct(key, ":f:{");
        return out != null ? out : bytes(lease(key));
    }

    /** {@code ns + kind + cache + ":" + key + "}"} as bytes when every part is ASCII, else null. */
    private static byte[] direct(RemoteKey key, String kind) {
        String ns = key.namespace();
        String cache = key.cache();
        String k = key.key();
        int length = ns.length() + kind.length() + cache.length() + 1 + k.length() + 1;
        byte[] out = new byte[length];
        int at = 0;
        at = ascii(ns, out, at);
        at = ascii(kind, out, at);
        at = ascii(cache, out, at);
        at = ascii(":", out, at);
        at = at < 0 ? at : ascii(k, out, at);
        if (at < 0) {
            return null;
        }
        out[at] = '}';
        return out;
    }

    /** Copies ASCII {@code s} into {@code out} at {@code at}; returns the next position, or -1 at a non-ASCII char. */
    private static int ascii(String s, byte[] out, int at) {
        if (at < 0) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return -1;
            }
            out[at++] = (byte) c;
        }
        return at;
    }
}
