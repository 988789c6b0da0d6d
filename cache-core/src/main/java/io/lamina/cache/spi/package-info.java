/**
 * Extension points of Lamina: the value codec, and (with a remote tier) the remote tier, the
 * invalidation bus and the lock. Implementations plug into {@link io.lamina.cache.CacheTemplate#builder()}.
 */
package io.lamina.cache.spi;
