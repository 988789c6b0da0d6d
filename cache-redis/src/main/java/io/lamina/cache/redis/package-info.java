/** The Redis (L2) tier of Lamina, on Lettuce and Redisson. */
package io.lamina.cache.redis;
