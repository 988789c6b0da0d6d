package io.lamina.cache.redis.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lamina.cache.BreakerState;
import io.lamina.cache.spi.RemoteUnavailableException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every data and lock call to Redis goes through here, on the circuit breaker of its <em>route</em>: one per
 * Redis primary for entries and tags (one route in all on a single Redis or Sentinel, one per shard on a
 * Cluster), and one per primary for locks, apart from the data. So a dead shard costs only the keys of that
 * shard, and a lock client that recovers more slowly than the data client never refuses reads that work.
 *
 * <p>While a route's breaker is open nothing is sent on it and the call fails at once; after the open period a
 * few probe calls go through, and their success closes it. Bus messages use no breaker at all (a heartbeat
 * refused by a breaker would fake a gap in the bus). Thread-safe.
 */
public final class Guard {

    /** The route of the data calls of a single Redis or a Sentinel-managed primary. */
    public static final String DATA = "data";
    /** The prefix of lock routes. */
    public static final String LOCK = "lock";

    private final CircuitBreakerConfig config;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    public Guard(CircuitBreakerConfig config) {
        this.config = config;
    }

    /** Runs {@code call} on {@code route}'s breaker: refused at once while it is open, recorded otherwise. */
    public <T> CompletableFuture<T> call(String route, Supplier<? extends CompletionStage<T>> call) {
        CircuitBreaker breaker = breaker(route);
        if (!breaker.tryAcquirePermission()) {
            return CompletableFuture.failedFuture(new RemoteUnavailableException("Redis route " + route
                    + " is marked down (circuit breaker " + breaker.getState() + "); nothing was sent"));
        }
        long start = System.nanoTime();
        CompletableFuture<T> future;
        try {
            future = call.get().toCompletableFuture();
        } catch (RuntimeException e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            return CompletableFuture.failedFuture(e);
        }
        return future.whenComplete((value, failure) -> {
            long took = System.nanoTime() - start;
            if (failure == null) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            } else {
                breaker.onError(took, TimeUnit.NANOSECONDS, failure);
            }
        });
    }

    /** The breaker of a route, created closed on first use. */
    CircuitBreaker breaker(String route) {
        CircuitBreaker b = breakers.get(route);
        return b != null ? b : breakers.computeIfAbsent(route, r -> CircuitBreaker.of("lamina-redis-" + r, config));
    }

    /** Whether some data route is sending (false only when every data route's breaker is open). */
    public boolean isAvailable() {
        boolean any = false;
        for (Map.Entry<String, CircuitBreaker> e : breakers.entrySet()) {
            if (!e.getKey().startsWith(LOCK)) {
                any = true;
                if (state(e.getValue()) != BreakerState.OPEN) {
                    return true;
                }
            }
        }
        return !any;
    }

    /** The worst state among the data routes (OPEN over HALF_OPEN over CLOSED); CLOSED before the first call. */
    public BreakerState dataState() {
        BreakerState worst = BreakerState.CLOSED;
        for (Map.Entry<String, CircuitBreaker> e : breakers.entrySet()) {
            if (!e.getKey().startsWith(LOCK)) {
                worst = worse(worst, state(e.getValue()));
            }
        }
        return worst;
    }

    /** The worst state among the lock routes; CLOSED before the first lock call. */
    public BreakerState lockState() {
        BreakerState worst = BreakerState.CLOSED;
        for (Map.Entry<String, CircuitBreaker> e : breakers.entrySet()) {
            if (e.getKey().startsWith(LOCK)) {
                worst = worse(worst, state(e.getValue()));
            }
        }
        return worst;
    }

    /**
     * Every route's state now, by route name, sorted. Each data route has its lock route too: a lock breaker is made on
     * the lock's first use (only a miss that finds another node's fill lease takes the lock), and until then it is
     * closed.
     */
    public Map<String, BreakerState> states() {
        java.util.TreeMap<String, BreakerState> sorted = new java.util.TreeMap<>();
        breakers.forEach((route, breaker) -> sorted.put(route, state(breaker)));
        for (String route : List.copyOf(sorted.keySet())) {
            if (!route.startsWith(LOCK)) {
                sorted.putIfAbsent(LOCK + "@" + route, BreakerState.CLOSED);
            }
        }
        return new LinkedHashMap<>(sorted);
    }

    /**
     * A Lettuce connection (re)connected: every open data breaker goes half-open at once and lets its probes
     * through, instead of waiting out its open period. Without this, probes sent just before the reconnect
     * failed and re-opened the breaker for another period, and L2 came back up to two periods after Redis did.
     * Lock breakers are left alone: the lock runs on Redisson's own connections, which this event says nothing of.
     */
    public void reconnected() {
        breakers.forEach((route, breaker) -> {
            if (!route.startsWith(LOCK) && breaker.getState() == CircuitBreaker.State.OPEN) {
                try {
                    breaker.transitionToHalfOpenState();
                } catch (RuntimeException raced) {
                    // another thread moved it first (to half-open by its own timer): nothing to do
                }
            }
        });
    }

    /** Forgets the breakers of routes no longer in use (a shard's primary that left the cluster). */
    public void retainRoutes(java.util.Set<String> live) {
        breakers.keySet().removeIf(r -> !r.equals(DATA) && !r.equals(LOCK) && !live.contains(r)
                && !(r.startsWith(LOCK + "@") && live.contains(r.substring(LOCK.length() + 1))));
    }

    static BreakerState state(CircuitBreaker breaker) {
        return switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> BreakerState.OPEN;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
            default -> BreakerState.CLOSED;   // CLOSED, DISABLED, METRICS_ONLY: calls are sent
        };
    }

    private static BreakerState worse(BreakerState a, BreakerState b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(BreakerState s) {
        return switch (s) {
            case OPEN -> 2;
            case HALF_OPEN -> 1;
            case CLOSED -> 0;
        };
    }
}
