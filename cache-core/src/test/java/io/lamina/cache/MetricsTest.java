package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The meters of an L1-only template: a known sequence of calls gives exactly the expected values. */
@Timeout(30)
class MetricsTest {

    private final ManualClock clock = new ManualClock(1_000_000L);
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private CacheTemplate template;

    @AfterEach
    void tearDown() {
        if (template != null) {
            template.close();
        }
    }

    private CacheTemplate template(CacheTemplateBuilder builder) {
        template = builder.build();
        return template;
    }

    private CacheTemplateBuilder builder() {
        return CacheTemplate.builder().namespace("shop").clock(clock)
                .cache("products", CacheOptions.builder().ttl(Duration.ofMinutes(1)).jitter(Duration.ZERO)
                        .nullTtl(Duration.ofSeconds(30)).failSafe(Duration.ofMinutes(10)).build());
    }

    private double count(String name, String... tags) {
        return registry.get(name).tag("cache", "products").tag("namespace", "shop").tags(tags).functionCounter().count();
    }

    @Test
    void aKnownSequence_givesExactlyTheExpectedMeterValues() {
        CacheTemplate cache = template(builder().meterRegistry(registry));
        Loader<String> slowLoad = () -> {
            clock.advance(Duration.ofMillis(5));   // the loader's time, on the template's clock
            return "p1";
        };
        cache.remember("products", 1, String.class, slowLoad);                   // miss, load 1 (5 ms)
        cache.remember("products", 1, String.class, slowLoad);                   // L1 hit
        cache.remember("products", 1, String.class, slowLoad);                   // L1 hit
        cache.remember("products", 404, String.class, () -> null);               // miss, load 2 (null)
        cache.remember("products", 404, String.class, () -> "never");            // L1 hit on the null sentinel
        cache.getIfPresent("products", 404, String.class);                       // L1 hit on the null sentinel
        cache.getIfPresent("products", 7, String.class);                         // miss, no load
        cache.put("products", 2, "p2");                                          // put
        clock.advance(Duration.ofMinutes(2));                                    // 1 and 2 stale, inside fail-safe
        cache.remember("products", 1, String.class, () -> {                      // miss, load 3 fails: stale served
            throw new IllegalStateException("database down");
        });

        assertThat(count(LaminaMeterNames.GETS, "result", "hit")).isEqualTo(4.0);
        assertThat(count(LaminaMeterNames.GETS, "result", "miss")).isEqualTo(4.0);
        assertThat(count(LaminaMeterNames.TIER_GETS, "tier", "l1", "result", "hit")).isEqualTo(4.0);
        assertThat(count(LaminaMeterNames.TIER_GETS, "tier", "l1", "result", "miss")).isEqualTo(4.0);
        assertThat(count(LaminaMeterNames.NULL_HITS)).isEqualTo(2.0);
        assertThat(count(LaminaMeterNames.LOADS, "result", "success")).isEqualTo(2.0);
        assertThat(count(LaminaMeterNames.LOADS, "result", "failure")).isEqualTo(1.0);
        assertThat(count(LaminaMeterNames.PUTS)).isEqualTo(1.0);
        assertThat(count(LaminaMeterNames.STALE_SERVED)).isEqualTo(1.0);
        assertThat(count(LaminaMeterNames.EVICTIONS)).isZero();
        assertThat(count(LaminaMeterNames.LOAD_TIMEOUTS)).isZero();
        assertThat(count(LaminaMeterNames.REFRESHES, "result", "started")).isZero();
        var loadTimer = registry.get(LaminaMeterNames.LOAD_DURATION).tag("cache", "products").functionTimer();
        assertThat(loadTimer.count()).isEqualTo(3.0);
        assertThat(loadTimer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5.0);
        // 1 (the stale stand-in), 2 and 404 are in L1
        assertThat(registry.get(LaminaMeterNames.SIZE).tag("cache", "products").gauge().value()).isEqualTo(3.0);

        CacheStats stats = cache.stats("products");
        assertThat(stats.hitRatio()).isEqualTo(0.5);
        assertThat(stats.l1HitRatio()).isEqualTo(0.5);
        assertThat(stats.nullHits()).isEqualTo(2);
    }

    @Test
    void withoutARemoteTier_noRemoteMeters() {
        template(builder().meterRegistry(registry));
        assertThat(registry.find(LaminaMeterNames.TIER_GETS).tag("tier", "l2").meters()).isEmpty();
        assertThat(registry.find(LaminaMeterNames.LOCK_WAITS).meters()).isEmpty();
        assertThat(registry.find(LaminaMeterNames.REMOTE_ERRORS).meters()).isEmpty();
        assertThat(registry.find(LaminaMeterNames.BUS_HEALTHY).meters()).isEmpty();
        assertThat(registry.find(LaminaMeterNames.BREAKER_STATE).meters()).isEmpty();
        NodeStats node = template.nodeStats();
        assertThat(node.remote()).isFalse();
        assertThat(node.busHealthy()).isFalse();
        assertThat(node.breakerState()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void aCacheFirstUsedAfterBuild_isPublishedToo() {
        CacheTemplate cache = template(builder().meterRegistry(registry));
        cache.remember("late", 1, String.class, () -> "x");
        cache.remember("late", 1, String.class, () -> "x");
        assertThat(registry.get(LaminaMeterNames.GETS).tag("cache", "late").tag("result", "hit").functionCounter().count())
                .isEqualTo(1.0);
        assertThat(registry.get(LaminaMeterNames.GETS).tag("cache", "late").tag("result", "miss").functionCounter().count())
                .isEqualTo(1.0);
    }

    @Test
    void extraTags_areOnEveryMeter_andLaminasOwnKeysAreRefused() {
        template(builder().meterRegistry(registry, Tags.of("application", "shop-api")));
        assertThat(registry.getMeters()).isNotEmpty().allSatisfy(m -> assertThat(m.getId().getTag("application")).isEqualTo("shop-api"));
        assertThatThrownBy(() -> builder().meterRegistry(registry, Tags.of("cache", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'cache'");
        assertThatThrownBy(() -> builder().meterRegistry(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("meterRegistry");
    }

    @Test
    void closingTheTemplate_removesItsMeters_soAnotherTemplateCanTakeTheirPlace() {
        CacheTemplate first = builder().meterRegistry(registry).build();
        first.remember("products", 1, String.class, () -> "a");
        assertThat(registry.getMeters()).isNotEmpty();
        first.close();
        assertThat(registry.getMeters()).isEmpty();

        CacheTemplate second = template(builder().meterRegistry(registry));
        second.remember("products", 1, String.class, () -> "b");
        assertThat(count(LaminaMeterNames.GETS, "result", "miss")).isEqualTo(1.0);
    }

    @Test
    void twoTemplatesOfOneNamespaceOnOneRegistry_areRefusedAtBuild_insteadOfSharingMeters() {
        template(builder().meterRegistry(registry));
        assertThatThrownBy(() -> builder().meterRegistry(registry).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already registered").hasMessageContaining("products");
        // the first template's meters are untouched
        template.remember("products", 1, String.class, () -> "a");
        assertThat(count(LaminaMeterNames.GETS, "result", "miss")).isEqualTo(1.0);
    }

    @Test
    void options_reportsTheEffectiveValues() {
        CacheTemplate cache = template(CacheTemplate.builder().namespace("shop")
                .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(10)).lockWait(Duration.ofSeconds(2)).build())
                .cache("products", CacheOptions.builder().ttl(Duration.ofMinutes(30)).refreshAhead(0.8).build()));
        CacheOptions o = cache.options("products");
        assertThat(o.ttl()).contains(Duration.ofMinutes(30));
        assertThat(o.nullTtl()).contains(CacheOptions.DEFAULT_MAX_NULL_TTL);
        assertThat(o.lockWait()).contains(Duration.ofSeconds(2));
        assertThat(o.refreshAhead()).contains(0.8);
        assertThat(o.maximumSize()).contains(CacheOptions.DEFAULT_MAXIMUM_SIZE);
        assertThat(o.jitter()).isEmpty();
        assertThat(o.cacheNulls()).contains(true);
        assertThat(cache.options("other").ttl()).contains(Duration.ofMinutes(10));
    }
}
