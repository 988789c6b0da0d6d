package io.lamina.cache;

/**
 * Implemented by key types that choose their own string form. The string must be stable across JVMs and
 * releases, and two keys that are {@code equals} must return the same string. Lamina still escapes it and
 * hashes it when it is over the length cap.
 */
public interface CacheKey {

    /** The stable string form of this key. Never null. */
    String cacheKey();
}
