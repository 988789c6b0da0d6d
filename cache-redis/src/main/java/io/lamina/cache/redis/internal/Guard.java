package io.lamina.cache.redis.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lamina.cache.spi.RemoteUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every call to Redis goes through here: while the circuit breaker is open nothing is sent and the call
 * fails at once; after the open period a few probe calls go through, and their success closes it.
 */
public final class Guard {

    private final CircuitBreaker breaker;

    public Guard(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public boolean isAvailable() {
        return breaker.getState() != CircuitBreaker.State.OPEN && breaker.getState() != CircuitBreaker.State.FORCED_OPEN;
    }

    public <T> CompletableFuture<T> call(Supplier<? extends CompletionStage<T>> call) {
        if (!breaker.tryAcquirePermission()) {
            return CompletableFuture.failedFuture(new RemoteUnavailableException("Redis is marked down (circuit breaker "
                    + breaker.getName() + " is " + breaker.getState() + "); nothing was sent"));
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
}
