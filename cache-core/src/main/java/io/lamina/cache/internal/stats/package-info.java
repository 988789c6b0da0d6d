/** Counters per named cache, read by {@code CacheTemplate.stats}. */
package io.lamina.cache.internal.stats;
