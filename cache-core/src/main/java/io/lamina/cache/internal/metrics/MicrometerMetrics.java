package io.lamina.cache.internal.metrics;

import static io.lamina.cache.LaminaMeterNames.TAG_CACHE;
import static io.lamina.cache.LaminaMeterNames.TAG_NAMESPACE;
import static io.lamina.cache.LaminaMeterNames.TAG_RESULT;
import static io.lamina.cache.LaminaMeterNames.TAG_STATE;
import static io.lamina.cache.LaminaMeterNames.TAG_TIER;
import static io.lamina.cache.LaminaMeterNames.TIER_L1;
import static io.lamina.cache.LaminaMeterNames.TIER_L2;

import io.lamina.cache.BreakerState;
import io.lamina.cache.LaminaMeterNames;
import io.lamina.cache.NodeStats;
import io.lamina.cache.internal.NamedCache;
import io.lamina.cache.internal.stats.StatsCounter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Lamina's meters on a Micrometer {@link MeterRegistry} (names in {@link LaminaMeterNames}). Every meter is a
 * function meter over counters the template keeps anyway, so a cache call does the same work with or without it;
 * reading happens when the registry is scraped. A meter id that is already registered (another template of the
 * same namespace on the same registry) is refused rather than silently shared.
 */
public final class MicrometerMetrics implements TemplateMetrics {

    private static final System.Logger LOG = System.getLogger("io.lamina.cache");

    private final MeterRegistry registry;
    private final Tags common;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    /** Strong references to the state objects: function meters hold theirs weakly. */
    private final List<Object> states = new CopyOnWriteArrayList<>();

    private MicrometerMetrics(MeterRegistry registry, Iterable<Tag> tags, String namespace) {
        this.registry = registry;
        this.common = Tags.of(tags).and(TAG_NAMESPACE, namespace);
    }

    /** A factory for the builder; checks its arguments now. */
    public static Factory factory(MeterRegistry registry, Iterable<Tag> tags) {
        Objects.requireNonNull(registry, "meterRegistry");
        Objects.requireNonNull(tags, "meter tags");
        for (Tag tag : tags) {
            String key = Objects.requireNonNull(tag, "meter tag").getKey();
            if (key.equals(TAG_NAMESPACE) || key.equals(TAG_CACHE) || key.equals(TAG_RESULT) || key.equals(TAG_TIER)
                    || key.equals(TAG_STATE)) {
                throw new IllegalArgumentException("meter tag '" + key + "' is set by Lamina itself; use another key");
            }
        }
        Tags copy = Tags.of(tags);
        return namespace -> new MicrometerMetrics(registry, copy, namespace);
    }

    // One description per meter name: Prometheus prints one HELP line per metric family, so it describes the meter
    // and its tag values, never one of them (MeterDescriptionsTest).
    private static final String GETS_HELP = "cache calls, by result: hit (answered by L1 or L2) or miss (answered by neither"
            + " tier, so loaded)";
    private static final String LOADS_HELP = "loader runs, by result: success (returned, null included) or failure (threw"
            + " or timed out)";
    private static final String TIER_GETS_HELP = "lookups per tier, by tier (l1, l2) and result (hit, miss)";
    private static final String REFRESHES_HELP = "background refreshes, by result: started, completed, failed, rejected"
            + " (pool full) or skipped";
    private static final String LOCK_WAITS_HELP = "misses that waited for another node's lock, by result: acquired or"
            + " timeout";
    private static final String INVALIDATIONS_HELP = "invalidation messages, by result: sent (published), received"
            + " (applied from other nodes) or failed (writes Redis did not take)";

    @Override
    public void bindCache(NamedCache cache, boolean declared) {
        Tags tags = common.and(TAG_CACHE, cache.name());
        if (registry.find(LaminaMeterNames.GETS).tags(tags).meter() != null) {
            String message = "the meters of cache '" + cache.name() + "' with tags " + tags + " are already registered"
                    + " (another template of the same namespace on this registry); give each template its own namespace"
                    + " or meter tags";
            if (declared) {
                throw new IllegalStateException(message);
            }
            LOG.log(System.Logger.Level.WARNING, message + "; this cache is not published");
            return;
        }
        StatsCounter s = cache.stats();
        states.add(cache);
        counter(LaminaMeterNames.GETS, s, c -> c.l1Hits() + c.l2Hits(), GETS_HELP, tags, TAG_RESULT, "hit");
        counter(LaminaMeterNames.GETS, s, StatsCounter::misses, GETS_HELP, tags, TAG_RESULT, "miss");
        counter(LaminaMeterNames.PUTS, s, StatsCounter::puts, "explicit puts", tags);
        counter(LaminaMeterNames.EVICTIONS, s, StatsCounter::evictions, "L1 entries evicted for size", tags);
        add(Gauge.builder(LaminaMeterNames.SIZE, cache, NamedCache::l1SizeEstimate)
                .description("entries in this node's L1 (estimate)").tags(tags).register(registry));
        counter(LaminaMeterNames.LOADS, s, StatsCounter::loadSuccesses, LOADS_HELP, tags, TAG_RESULT, "success");
        counter(LaminaMeterNames.LOADS, s, StatsCounter::loadFailures, LOADS_HELP, tags,
                TAG_RESULT, "failure");
        timer(LaminaMeterNames.LOAD_DURATION, s, c -> c.loadSuccesses() + c.loadFailures(), StatsCounter::loadNanos,
                "time spent in loaders", tags);

        counter(LaminaMeterNames.TIER_GETS, s, StatsCounter::l1Hits, TIER_GETS_HELP, tags, TAG_TIER, TIER_L1, TAG_RESULT, "hit");
        counter(LaminaMeterNames.TIER_GETS, s, c -> c.l2Hits() + c.misses(), TIER_GETS_HELP, tags, TAG_TIER, TIER_L1,
                TAG_RESULT, "miss");
        counter(LaminaMeterNames.NULL_HITS, s, StatsCounter::nullHits, "hits that returned a cached null", tags);
        counter(LaminaMeterNames.STALE_SERVED, s, StatsCounter::staleServedCount, "stale values served by fail-safe", tags);
        counter(LaminaMeterNames.BULK_UNASKED, s, StatsCounter::unaskedKeys, "keys a bulk loader returned unasked (ignored)", tags);
        counter(LaminaMeterNames.LOAD_TIMEOUTS, s, StatsCounter::loadTimeouts, "loads past the soft or hard timeout", tags);
        counter(LaminaMeterNames.REFRESHES, s, StatsCounter::refreshesStarted, REFRESHES_HELP, tags, TAG_RESULT, "started");
        counter(LaminaMeterNames.REFRESHES, s, StatsCounter::refreshesCompleted, REFRESHES_HELP, tags,
                TAG_RESULT, "completed");
        counter(LaminaMeterNames.REFRESHES, s, StatsCounter::refreshesFailed, REFRESHES_HELP, tags, TAG_RESULT, "failed");
        counter(LaminaMeterNames.REFRESHES, s, StatsCounter::refreshesRejected, REFRESHES_HELP, tags,
                TAG_RESULT, "rejected");
        counter(LaminaMeterNames.REFRESHES, s, StatsCounter::refreshesSkipped, REFRESHES_HELP, tags, TAG_RESULT, "skipped");
        if (cache.hasRemote()) {
            // the remote tier's meters exist only where there is a remote tier
            counter(LaminaMeterNames.TIER_GETS, s, StatsCounter::l2Hits, TIER_GETS_HELP, tags, TAG_TIER, TIER_L2, TAG_RESULT, "hit");
            counter(LaminaMeterNames.TIER_GETS, s, StatsCounter::misses, TIER_GETS_HELP, tags, TAG_TIER, TIER_L2, TAG_RESULT, "miss");
            counter(LaminaMeterNames.LOCK_WAITS, s, StatsCounter::lockWaitsAcquired, LOCK_WAITS_HELP,
                    tags, TAG_RESULT, "acquired");
            counter(LaminaMeterNames.LOCK_WAITS, s, StatsCounter::lockTimeouts, LOCK_WAITS_HELP,
                    tags, TAG_RESULT, "timeout");
            timer(LaminaMeterNames.LOCK_WAIT_DURATION, s, c -> c.lockWaitsAcquired() + c.lockTimeouts(), StatsCounter::lockWaitNanos,
                    "time misses waited for another node's lock", tags);
            counter(LaminaMeterNames.LOCK_FALLBACKS, s, StatsCounter::lockFallbacks,
                    "misses whose lock call failed and that went on without it", tags);
            counter(LaminaMeterNames.REMOTE_ERRORS, s, StatsCounter::l2Errors, "remote-tier failures treated as misses", tags);
            counter(LaminaMeterNames.DECODE_FAILURES, s, StatsCounter::decodeFailures, "unreadable stored entries", tags);
            counter(LaminaMeterNames.SHAPE_MISMATCHES, s, StatsCounter::shapeMismatches,
                    "stored entries of another shape of the value's type (another class version), reloaded", tags);
            counter(LaminaMeterNames.SIGNATURE_FAILURES, s, StatsCounter::signatureFailures,
                    "stored entries whose signature did not verify (unsigned, unknown key, forged or moved), reloaded", tags);
        }
    }

    @Override
    public void bindNode(Supplier<NodeStats> node) {
        if (registry.find(LaminaMeterNames.BUS_HEALTHY).tags(common).meter() != null) {
            throw new IllegalStateException("the node meters with tags " + common + " are already registered (another"
                    + " template of the same namespace on this registry); give each template its own namespace or meter tags");
        }
        states.add(node);
        nodeCounter(LaminaMeterNames.INVALIDATIONS, node, NodeStats::invalidationsSent, INVALIDATIONS_HELP,
                TAG_RESULT, "sent");
        nodeCounter(LaminaMeterNames.INVALIDATIONS, node, NodeStats::invalidationsReceived, INVALIDATIONS_HELP,
                TAG_RESULT, "received");
        nodeCounter(LaminaMeterNames.INVALIDATIONS, node, NodeStats::invalidationsFailed, INVALIDATIONS_HELP,
                TAG_RESULT, "failed");
        nodeCounter(LaminaMeterNames.BUS_RECONNECTS, node, NodeStats::busReconnects, "subscription healthy again after a gap");
        nodeCounter(LaminaMeterNames.L1_FLUSHES, node, NodeStats::l1Flushes, "whole-L1 flushes");
        add(Gauge.builder(LaminaMeterNames.BUS_HEALTHY, node, n -> n.get().busHealthy() ? 1 : 0)
                .description("1 while invalidation messages flow").tags(common).register(registry));
        for (BreakerState state : BreakerState.values()) {
            add(Gauge.builder(LaminaMeterNames.BREAKER_STATE, node, n -> n.get().breakerState() == state ? 1 : 0)
                    .description("the remote tier's circuit-breaker state: 1 on the series of the current state (closed, open, half_open), 0 on the others")
                    .tags(common).tag(TAG_STATE, state.tagValue()).register(registry));
            add(Gauge.builder(LaminaMeterNames.LOCK_BREAKER_STATE, node, n -> n.get().lockBreakerState() == state ? 1 : 0)
                    .description("the lock path's circuit-breaker state: 1 on the series of the current state, 0 on the others")
                    .tags(common).tag(TAG_STATE, state.tagValue()).register(registry));
        }
        nodeCounter(LaminaMeterNames.REPLAYS, node, NodeStats::replaysQueued, REPLAYS_HELP, TAG_RESULT, "queued");
        nodeCounter(LaminaMeterNames.REPLAYS, node, NodeStats::replaysDone, REPLAYS_HELP, TAG_RESULT, "replayed");
        nodeCounter(LaminaMeterNames.REPLAYS, node, NodeStats::replaysDropped, REPLAYS_HELP, TAG_RESULT, "dropped");
        add(Gauge.builder(LaminaMeterNames.REPLAY_PENDING, node, n -> n.get().replaysPending())
                .description("invalidations queued for a replay now").tags(common).register(registry));
        add(Gauge.builder(LaminaMeterNames.OPEN_PATHS, node, n -> n.get().openPaths())
                .description("circuit breakers open now, one per guarded path (per primary for data and for the lock)")
                .tags(common).register(registry));
        for (String event : node.get().remoteEvents().keySet()) {
            nodeCounter(LaminaMeterNames.REMOTE_EVENTS, node, n -> n.remoteEvents().getOrDefault(event, 0L),
                    "the remote tier's degraded-mode events (connections reopened after going silent, writes refused as late, ...)",
                    LaminaMeterNames.TAG_EVENT, event);
        }
    }

    private static final String REPLAYS_HELP = "invalidations Redis did not take: queued for a replay, replayed, or dropped"
            + " (coalesced into a broader one)";

    @Override
    public void close() {
        for (Meter meter : meters) {
            registry.remove(meter);
        }
        meters.clear();
        states.clear();
    }

    private void counter(String name, StatsCounter source, ToLongFunction<StatsCounter> value, String description, Tags tags,
            String... more) {
        add(FunctionCounter.builder(name, source, c -> value.applyAsLong(c))
                .description(description).tags(tags).tags(more).register(registry));
    }

    private void timer(String name, StatsCounter source, ToLongFunction<StatsCounter> count, ToDoubleFunction<StatsCounter> nanos,
            String description, Tags tags) {
        add(FunctionTimer.builder(name, source, count, nanos, TimeUnit.NANOSECONDS)
                .description(description).tags(tags).register(registry));
    }

    private void nodeCounter(String name, Supplier<NodeStats> node, ToLongFunction<NodeStats> value, String description,
            String... more) {
        add(FunctionCounter.builder(name, node, n -> value.applyAsLong(n.get()))
                .description(description).tags(common).tags(more).register(registry));
    }

    private void add(Meter meter) {
        meters.add(meter);
    }
}
