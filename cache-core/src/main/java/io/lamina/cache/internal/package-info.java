/**
 * Lamina's implementation. Internal: may change without notice between any two releases; do not use.
 */
package io.lamina.cache.internal;
