/**
 * Lamina's public API: {@link io.lamina.cache.CacheTemplate}, its options and value types.
 */
package io.lamina.cache;
