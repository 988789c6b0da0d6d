/**
 * The replay of failed remote invalidations: a bounded, de-duplicated queue of what Redis did not take (a key's
 * invalidation, a tag's new version, a cache's invalidateAll, a put, which is replayed as an invalidation of its
 * key), sent again once Redis accepts writes. Internal: may change without notice.
 */
package io.lamina.cache.internal.replay;
