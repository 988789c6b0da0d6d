package io.lamina.cache.internal;

import io.lamina.cache.CacheClock;
import io.lamina.cache.internal.key.KeyFormatter;
import io.lamina.cache.internal.tag.TagRegistry;
import io.lamina.cache.spi.Codec;

/**
 * What every named cache of one template shares. {@code nodeId} is unique per template instance;
 * {@code loaders} is the bounded pool that runs background refreshes and loads under a timeout; {@code handoff}
 * moves user code (async loaders, fills, the completion of futures users hold) off the Redis client's I/O threads;
 * {@code signer} signs and verifies stored entries, null without a signing key.
 */
public record TemplateContext(
        String namespace,
        CacheClock clock,
        Codec codec,
        KeyFormatter keys,
        TagRegistry tags,
        int maxTagsPerEntry,
        String nodeId,
        java.time.Duration tagTtl,
        java.util.concurrent.ExecutorService loaders,
        io.lamina.cache.internal.load.Handoff handoff,
        io.lamina.cache.internal.envelope.EntrySigner signer) {
}
