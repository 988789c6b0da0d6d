package io.lamina.cache.internal.metrics;

import io.lamina.cache.NodeStats;
import io.lamina.cache.internal.NamedCache;
import java.util.function.Supplier;

/**
 * Where a template publishes its counters. The counters themselves live in the caches ({@code StatsCounter}) and
 * the bus ({@code Coherence}) whether or not anything publishes them, so binding adds no work to a cache call. No
 * Micrometer type appears here.
 */
public interface TemplateMetrics {

    /** Publishes nothing: the template was built without a meter registry. */
    TemplateMetrics NONE = new TemplateMetrics() {
        @Override
        public void bindCache(NamedCache cache, boolean declared) {
        }

        @Override
        public void bindNode(Supplier<NodeStats> node) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * Publishes one named cache's meters.
     *
     * @param declared true while the template is being built (a clash with meters already in the registry is
     *                 then an {@link IllegalStateException}); false for a cache first used later (a clash is
     *                 logged and that cache is not published)
     */
    void bindCache(NamedCache cache, boolean declared);

    /** Publishes the node's meters (bus and remote tier); called once, only when the template has a remote tier. */
    void bindNode(Supplier<NodeStats> node);

    /** Removes every meter this template published. Idempotent. */
    void close();

    /** Creates the metrics of one template. */
    interface Factory {
        TemplateMetrics create(String namespace);
    }
}
