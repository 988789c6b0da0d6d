package io.lamina.cache.internal;

import io.lamina.cache.CacheClock;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.spi.Codec;
import io.lamina.cache.spi.RemoteTier;
import java.util.Map;

/** Everything a {@code CacheTemplateBuilder} collected, validated. {@code remote} is null for L1 only; {@code signer}
 * is null when entries are not signed. */
public record TemplateConfig(
        String namespace,
        CacheOptions defaults,
        Map<String, CacheOptions> caches,
        CacheClock clock,
        Codec codec,
        int maxTagsPerEntry,
        boolean requireDeclaredCaches,
        RemoteTier remote,
        java.time.Duration tagTtl,
        java.time.Duration busCheckInterval,
        int loaderThreads,
        int loaderQueue,
        int replayCapacity,
        java.util.concurrent.Executor executor,
        io.lamina.cache.internal.metrics.TemplateMetrics.Factory metrics,
        io.lamina.cache.internal.envelope.EntrySigner signer) {
}
