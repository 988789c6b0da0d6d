/**
 * Publishing the template's counters as Micrometer meters. Only {@link io.lamina.cache.internal.metrics.MicrometerMetrics}
 * touches Micrometer types, and it is loaded only when an application hands the builder a registry, so cache-core
 * runs without Micrometer on the classpath. Internal: may change without notice.
 */
package io.lamina.cache.internal.metrics;
