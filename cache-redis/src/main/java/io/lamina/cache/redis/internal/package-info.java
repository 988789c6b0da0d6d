/** The Redis tier's implementation. Internal: may change without notice; do not use. */
package io.lamina.cache.redis.internal;
