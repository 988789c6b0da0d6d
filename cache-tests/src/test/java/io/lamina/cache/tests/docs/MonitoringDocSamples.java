package io.lamina.cache.tests.docs;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** docs/monitoring.md. Compiled, not run: it names a fixed Redis address (PrometheusNamesIT runs the same calls). */
final class MonitoringDocSamples {

    private MonitoringDocSamples() {
    }

    static CacheTemplate plainJava() {
        // region monitoring-plain-java
        MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);   // or any registry

        CacheTemplate cache = CacheTemplate.builder()
                .namespace("shop")
                .remote(RedisTier.create("redis://127.0.0.1:6379"))
                .meterRegistry(registry, Tags.of("application", "shop"))   // or .meterRegistry(registry)
                .build();
        // endregion
        return cache;
    }
}
