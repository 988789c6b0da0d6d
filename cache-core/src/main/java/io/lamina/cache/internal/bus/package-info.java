/** Coherence between nodes: invalidation messages, their format, and the liveness of the subscription. */
package io.lamina.cache.internal.bus;
