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
        byte[] prefix = entryPrefix(key.namespace(), key.cache());
        String k = key.key();
        if (prefix == null) {
            return bytes(entry(key));
        }
        byte[] out = new byte[prefix.length + k.length() + 1];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        int at = ascii(k, out, prefix.length);
        if (at < 0) {
            return bytes(entry(key));
        }
        out[at] = '}';
        return out;
    }

    /** The last entry prefix built: a page's keys share their namespace and cache, so it is built once per page. */
    private record Prefix(String namespace, String cache, byte[] bytes) {
    }

    private static volatile Prefix lastPrefix;

    /** The ASCII bytes of {@code ns:e:{cache:}}, or null when a name is not ASCII. Never modify the array. */
    private static byte[] entryPrefix(String ns, String cache) {
        Prefix last = lastPrefix;
        if (last != null && last.namespace.equals(ns) && last.cache.equals(cache)) {
            return last.bytes;
        }
        byte[] out = new byte[ns.length() + 4 + cache.length() + 1];
        int at = 0;
        at = ascii(ns, out, at);
        at = ascii(":e:{", out, at);
        at = ascii(cache, out, at);
        at = ascii(":", out, at);
        if (at < 0) {
            return null;
        }
        lastPrefix = new Prefix(ns, cache, out);
        return out;
    }

    /** {@code bytes(lease(key))} in one step, written straight from the parts when they are all ASCII. */
    public static byte[] leaseBytes(RemoteKey key) {
        String ns = key.namespace();
        String cache = key.cache();
        String k = key.key();
        byte[] out = new byte[ns.length() + 4 + cache.length() + 1 + k.length() + 1];
        int at = 0;
        at = ascii(ns, out, at);
        at = ascii(":f:{", out, at);
        at = ascii(cache, out, at);
        at = ascii(":", out, at);
        at = ascii(k, out, at);
        if (at < 0) {
            return bytes(lease(key));
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
