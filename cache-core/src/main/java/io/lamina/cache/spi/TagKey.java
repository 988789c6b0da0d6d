package io.lamina.cache.spi;

/**
 * The name of one tag's version in the remote tier.
 *
 * @param namespace the template's namespace
 * @param tag       the tag, escaped like a key string (no glob characters or braces)
 */
public record TagKey(String namespace, String tag) {
}
