package io.lamina.cache.internal;

import io.lamina.cache.CacheClock;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.spi.Codec;
import java.util.Map;

/** Everything a {@code CacheTemplateBuilder} collected, validated. */
public record TemplateConfig(
        String namespace,
        CacheOptions defaults,
        Map<String, CacheOptions> caches,
        CacheClock clock,
        Codec codec,
        int maxTagsPerEntry,
        boolean requireDeclaredCaches) {
}
