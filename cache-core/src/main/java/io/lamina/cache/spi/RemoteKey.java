package io.lamina.cache.spi;

/**
 * The name of one entry in the remote tier: namespace and cache name (validated: letters, digits,
 * {@code . _ -}) and the key's stable string form (escaped: it holds no glob characters or braces).
 *
 * @param namespace the template's namespace
 * @param cache     the cache name
 * @param key       the key's stable string form
 */
public record RemoteKey(String namespace, String cache, String key) {
}
