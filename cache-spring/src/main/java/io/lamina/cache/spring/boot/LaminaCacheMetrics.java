package io.lamina.cache.spring.boot;

import static io.lamina.cache.spring.boot.LaminaMeterNames.TAG_CACHE;
import static io.lamina.cache.spring.boot.LaminaMeterNames.TAG_RESULT;
import static io.lamina.cache.spring.boot.LaminaMeterNames.TAG_TIER;

import io.lamina.cache.CacheStats;
import io.lamina.cache.CacheTemplate;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Publishes each declared cache's {@link CacheStats} as Micrometer function meters (names in
 * {@link LaminaMeterNames}). Binds, once all singletons exist, to the application's {@link MeterRegistry} if there
 * is exactly one (or a primary one), so it needs no ordering against Boot's metrics auto-configuration; caches first
 * used after startup are not bound. Can also be bound by hand with {@link #bindTo}.
 */
public final class LaminaCacheMetrics implements MeterBinder, SmartInitializingSingleton {

    private final CacheTemplate template;
    private final ObjectProvider<MeterRegistry> registries;
    /** Strong references: function meters only hold their state object weakly. */
    private final List<StatsSource> sources = new CopyOnWriteArrayList<>();

    LaminaCacheMetrics(CacheTemplate template, ObjectProvider<MeterRegistry> registries) {
        this.template = Objects.requireNonNull(template, "template");
        this.registries = registries;
    }

    @Override
    public void afterSingletonsInstantiated() {
        MeterRegistry registry = registries == null ? null : registries.getIfUnique();
        if (registry != null) {
            bindTo(registry);
        }
    }

    /** Registers the meters of every cache in {@link CacheTemplate#cacheNames()}; registering twice is harmless. */
    @Override
    public void bindTo(MeterRegistry registry) {
        for (String cache : template.cacheNames()) {
            StatsSource s = new StatsSource(template, cache);
            sources.add(s);
            counter(registry, LaminaMeterNames.GETS, s, st -> st.l1Hits() + st.l2Hits(), "answered by L1 or L2",
                    TAG_CACHE, cache, TAG_RESULT, "hit");
            counter(registry, LaminaMeterNames.GETS, s, CacheStats::misses, "answered by neither tier",
                    TAG_CACHE, cache, TAG_RESULT, "miss");
            counter(registry, LaminaMeterNames.PUTS, s, CacheStats::puts, "explicit puts", TAG_CACHE, cache);
            counter(registry, LaminaMeterNames.EVICTIONS, s, CacheStats::evictions, "L1 entries evicted for size",
                    TAG_CACHE, cache);
            counter(registry, LaminaMeterNames.LOADS, s, CacheStats::loadSuccesses, "loader runs that returned",
                    TAG_CACHE, cache, TAG_RESULT, "success");
            counter(registry, LaminaMeterNames.LOADS, s, CacheStats::loadFailures, "loader runs that threw or timed out",
                    TAG_CACHE, cache, TAG_RESULT, "failure");
            FunctionTimer.builder(LaminaMeterNames.LOAD_DURATION, s, x -> x.get().loads(),
                            x -> x.get().totalLoadNanos(), TimeUnit.NANOSECONDS)
                    .description("time spent in loaders").tags(TAG_CACHE, cache).register(registry);
            counter(registry, LaminaMeterNames.TIER_GETS, s, CacheStats::l1Hits, "L1 lookups",
                    TAG_CACHE, cache, TAG_TIER, "l1", TAG_RESULT, "hit");
            counter(registry, LaminaMeterNames.TIER_GETS, s, st -> st.requests() - st.l1Hits(), "L1 lookups",
                    TAG_CACHE, cache, TAG_TIER, "l1", TAG_RESULT, "miss");
            counter(registry, LaminaMeterNames.TIER_GETS, s, CacheStats::l2Hits, "L2 lookups",
                    TAG_CACHE, cache, TAG_TIER, "l2", TAG_RESULT, "hit");
            counter(registry, LaminaMeterNames.TIER_GETS, s, CacheStats::misses, "L2 lookups",
                    TAG_CACHE, cache, TAG_TIER, "l2", TAG_RESULT, "miss");
            counter(registry, LaminaMeterNames.STALE_SERVED, s, CacheStats::staleServed, "stale values served by fail-safe",
                    TAG_CACHE, cache);
            counter(registry, LaminaMeterNames.REMOTE_ERRORS, s, CacheStats::l2Errors, "remote-tier failures treated as misses",
                    TAG_CACHE, cache);
            counter(registry, LaminaMeterNames.REFRESHES, s, CacheStats::refreshesStarted, "background refreshes",
                    TAG_CACHE, cache, TAG_RESULT, "started");
            counter(registry, LaminaMeterNames.REFRESHES, s, CacheStats::refreshesCompleted, "background refreshes",
                    TAG_CACHE, cache, TAG_RESULT, "completed");
            counter(registry, LaminaMeterNames.REFRESHES, s, CacheStats::refreshesFailed, "background refreshes",
                    TAG_CACHE, cache, TAG_RESULT, "failed");
            counter(registry, LaminaMeterNames.REFRESHES, s, CacheStats::refreshesRejected, "background refreshes",
                    TAG_CACHE, cache, TAG_RESULT, "rejected");
            counter(registry, LaminaMeterNames.REFRESHES, s, CacheStats::refreshesSkipped, "background refreshes",
                    TAG_CACHE, cache, TAG_RESULT, "skipped");
        }
    }

    private static void counter(MeterRegistry registry, String name, StatsSource source,
            ToDoubleFunction<CacheStats> value, String description, String... tags) {
        FunctionCounter.builder(name, source, s -> value.applyAsDouble(s.get()))
                .description(description).tags(tags).register(registry);
    }

    /** Reads a cache's stats; after the template is closed, the last snapshot read. */
    private static final class StatsSource {
        private final CacheTemplate template;
        private final String cache;
        private volatile CacheStats last = new CacheStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        StatsSource(CacheTemplate template, String cache) {
            this.template = template;
            this.cache = cache;
        }

        CacheStats get() {
            try {
                last = template.stats(cache);
            } catch (IllegalStateException closed) {
                // the template is closed at shutdown; keep publishing the final counts
            }
            return last;
        }
    }
}
