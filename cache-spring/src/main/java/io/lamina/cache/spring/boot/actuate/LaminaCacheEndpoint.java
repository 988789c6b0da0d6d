package io.lamina.cache.spring.boot.actuate;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheStats;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.NodeStats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code lamina} Actuator endpoint.
 * <ul>
 *   <li>{@code GET /actuator/lamina}: the namespace, the node's state ({@link NodeStats}) and every cache that exists
 *       now with its effective options and live stats;</li>
 *   <li>{@code GET /actuator/lamina/{cache}}: one cache (404 for a cache that does not exist; reading never creates
 *       one);</li>
 *   <li>{@code DELETE /actuator/lamina/{cache}}: {@link CacheTemplate#invalidateAll} of that cache, on every node.</li>
 * </ul>
 * Durations are ISO-8601 strings ({@code PT30M}); ratios are fractions in [0, 1]. The responses are plain maps so that
 * they render the same under every JSON library Boot 3 and 4 use. Thread-safe.
 */
@Endpoint(id = "lamina")
public class LaminaCacheEndpoint {

    private final CacheTemplate template;

    public LaminaCacheEndpoint(CacheTemplate template) {
        this.template = Objects.requireNonNull(template, "template");
    }

    /** Every cache, with the node's state. */
    @ReadOperation
    public Map<String, Object> caches() {
        Map<String, Object> caches = new LinkedHashMap<>();
        for (String name : template.cacheNames()) {
            caches.put(name, describe(name));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("namespace", template.namespace());
        out.put("node", node(template.nodeStats()));
        out.put("caches", caches);
        return out;
    }

    /** One cache, or null (404) when it does not exist. */
    @ReadOperation
    public Map<String, Object> cache(@Selector String cache) {
        return template.cacheNames().contains(cache) ? describe(cache) : null;
    }

    /** Invalidates every entry of {@code cache} on every node; unknown caches are left alone. */
    @DeleteOperation
    public void invalidateAll(@Selector String cache) {
        if (template.cacheNames().contains(cache)) {
            template.invalidateAll(cache);
        }
    }

    private Map<String, Object> describe(String name) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("options", options(template.options(name)));
        out.put("stats", stats(template.stats(name), template.nodeStats().remote()));
        return out;
    }

    static Map<String, Object> options(CacheOptions o) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ttl", text(o.ttl().orElse(null)));
        out.put("nullTtl", text(o.nullTtl().orElse(null)));
        out.put("cacheNulls", o.cacheNulls().orElse(null));
        out.put("jitter", o.jitter().map(LaminaCacheEndpoint::text).orElse("10% of each TTL"));
        out.put("maximumSize", o.maximumSize().orElse(null));
        out.put("maximumWeight", o.maximumWeight().orElse(null));
        out.put("l1Enabled", o.l1Enabled().orElse(null));
        out.put("l1Ttl", o.l1Ttl().map(LaminaCacheEndpoint::text).orElse("as the entry"));
        out.put("refreshAfter", text(o.refreshAfter().orElse(null)));
        out.put("refreshAhead", o.refreshAhead().orElse(null));
        out.put("failSafe", text(o.failSafe().orElse(null)));
        out.put("failSafeThrottle", text(o.failSafeThrottle().orElse(null)));
        out.put("softTimeout", text(o.softTimeout().orElse(null)));
        out.put("hardTimeout", text(o.hardTimeout().orElse(null)));
        out.put("lockWait", text(o.lockWait().orElse(null)));
        out.put("onLockTimeout", o.onLockTimeout().map(Enum::name).orElse(null));
        return out;
    }

    /** The stats of one cache; without a remote tier, no L2 ratio (there is no L2 to hit). */
    static Map<String, Object> stats(CacheStats s, boolean remote) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests", s.requests());
        out.put("hitRatio", s.hitRatio());
        out.put("l1HitRatio", s.l1HitRatio());
        if (remote) {
            out.put("l2HitRatio", s.l2HitRatio());
        }
        out.put("l1Hits", s.l1Hits());
        out.put("l2Hits", s.l2Hits());
        out.put("misses", s.misses());
        out.put("nullHits", s.nullHits());
        out.put("loadSuccesses", s.loadSuccesses());
        out.put("loadFailures", s.loadFailures());
        out.put("totalLoadTime", text(Duration.ofNanos(s.totalLoadNanos())));
        out.put("puts", s.puts());
        out.put("evictions", s.evictions());
        out.put("lockWaits", s.lockWaits());
        out.put("lockTimeouts", s.lockTimeouts());
        out.put("staleServed", s.staleServed());
        out.put("loadTimeouts", s.loadTimeouts());
        out.put("refreshesStarted", s.refreshesStarted());
        out.put("refreshesCompleted", s.refreshesCompleted());
        out.put("refreshesFailed", s.refreshesFailed());
        out.put("refreshesRejected", s.refreshesRejected());
        out.put("refreshesSkipped", s.refreshesSkipped());
        out.put("remoteErrors", s.l2Errors());
        out.put("decodeFailures", s.decodeFailures());
        out.put("shapeMismatches", s.shapeMismatches());
        out.put("signatureFailures", s.signatureFailures());
        return out;
    }

    static Map<String, Object> node(NodeStats n) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("remote", n.remote());
        out.put("breakerState", n.breakerState().name());
        out.put("busHealthy", n.busHealthy());
        out.put("invalidationsSent", n.invalidationsSent());
        out.put("invalidationsReceived", n.invalidationsReceived());
        out.put("invalidationsFailed", n.invalidationsFailed());
        out.put("busReconnects", n.busReconnects());
        out.put("l1Flushes", n.l1Flushes());
        return out;
    }

    private static String text(Duration d) {
        return d == null ? null : d.toString();
    }
}
