package io.lamina.cache.spring.boot.health;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.NodeStats;
import io.lamina.cache.spi.RemoteTier;
import io.lamina.cache.spi.TagKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Lamina's health, independent of the Boot line: {@code UP} with details when the Redis tier answers (or when there
 * is none: L1 only), else the configured not-UP status ({@code DEGRADED} by default, which Boot's aggregation and
 * HTTP mapping ignore, so the application stays UP while Lamina serves from L1 and the loaders) with the reason.
 * The Boot 3 and Boot 4 indicators adapt it. Thread-safe.
 */
public final class LaminaHealth {

    private static final Log LOG = LogFactory.getLog(LaminaHealth.class);
    /** A key that is only read: its version is never written by a health check. */
    static final String PING_TAG = "lamina-health-ping";

    /** A status code and its details, as Boot's Health carries them. */
    public record Result(String status, Map<String, Object> details) {
    }

    private final CacheTemplate template;
    private final RemoteTier tier;
    private final String topology;
    private final String notUpStatus;
    private volatile String lastReason;

    /**
     * @param tier        the Redis tier, or null (L1 only)
     * @param topology    how the tier was configured, for the details (no credentials), or null
     * @param notUpStatus the status reported when Redis is not usable, such as DEGRADED, OUT_OF_SERVICE or DOWN
     */
    public LaminaHealth(CacheTemplate template, RemoteTier tier, String topology, String notUpStatus) {
        this.template = Objects.requireNonNull(template, "template");
        this.tier = tier;
        this.topology = topology;
        this.notUpStatus = Objects.requireNonNull(notUpStatus, "notUpStatus");
    }

    /** Checks now: one read of a key in Redis, bounded by twice the tier's operation timeout. */
    public Result check() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("namespace", template.namespace());
        NodeStats node = template.nodeStats();
        if (tier == null || !node.remote()) {
            details.put("tiers", "L1");
            return new Result("UP", details);
        }
        details.put("tiers", "L1+L2");
        if (topology != null) {
            details.put("topology", topology);
        }
        details.put("breaker", node.breakerState().name());
        Map<String, String> paths = new LinkedHashMap<>();
        tier.breakerStates().forEach((path, state) -> paths.put(path, state.name()));
        details.put("breakers", paths);   // per path: each primary's data, and its lock, apart
        details.put("busHealthy", node.busHealthy());
        details.put("busReconnects", node.busReconnects());
        details.put("l1Flushes", node.l1Flushes());
        details.put("invalidationsFailed", node.invalidationsFailed());
        details.put("lockBreaker", node.lockBreakerState().name());
        details.put("replayPending", node.replaysPending());   // invalidations Redis did not take, not yet replayed
        String reason = null;
        if (tier.isStarting()) {
            reason = "the Redis client is still starting: reads are served from L1 and the loaders until it is ready";
        } else if (!tier.isAvailable()) {
            reason = "the circuit breaker is " + node.breakerState().name()
                    + ": Redis calls are not sent; reads are served from L1 and the loaders";
        } else {
            Duration limit = tier.operationTimeout().multipliedBy(2);
            long began = System.nanoTime();
            try {
                tier.tagVersion(new TagKey(template.namespace(), PING_TAG)).toCompletableFuture()
                        .get(limit.toNanos(), TimeUnit.NANOSECONDS);
                details.put("pingMillis", (System.nanoTime() - began) / 1_000_000.0);
            } catch (TimeoutException e) {
                reason = "Redis did not answer within " + limit.toMillis() + " ms";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reason = "interrupted while checking Redis";
            } catch (ExecutionException | CompletionException e) {
                reason = "Redis is unreachable: " + describe(e.getCause() == null ? e : e.getCause());
            }
            if (reason == null && !node.busHealthy()) {
                reason = "the invalidation bus is not subscribed: other nodes' invalidations are not heard"
                        + " (L1 is flushed and the subscription retried)";
            }
        }
        if (reason == null) {
            lastReason = null;
            return new Result("UP", details);
        }
        details.put("reason", reason);
        if (!reason.equals(lastReason)) {
            lastReason = reason;
            LOG.warn("Lamina cache health: " + notUpStatus + ": " + reason);
        }
        return new Result(notUpStatus, details);
    }

    /**
     * The failure as a sentence: authentication failures named as such (WRONGPASS, NOAUTH), else the root cause. Redis
     * error replies carry no values or secrets.
     */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String rootText = root.getClass().getSimpleName() + ": " + root.getMessage();
        String message = String.valueOf(root.getMessage());
        if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.contains("AUTH failed")) {
            return "authentication failed (" + message.trim() + "); check the user name and password"
                    + " (lamina.cache.redis.username/password or spring.data.redis.username/password)";
        }
        return root == failure ? rootText : failure.getClass().getSimpleName() + ": " + failure.getMessage()
                + " (caused by " + rootText + ")";
    }
}
