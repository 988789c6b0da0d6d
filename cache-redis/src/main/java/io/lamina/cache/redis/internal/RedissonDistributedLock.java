package io.lamina.cache.redis.internal;

import io.lamina.cache.spi.DistributedLock;
import io.lamina.cache.spi.RemoteKey;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.redisson.api.RLock;

/**
 * The lock across JVMs on Redisson's {@link RLock}. Each acquisition uses its own random owner id
 * instead of the thread id, so an asynchronous load may release it from any thread, and two loads on one
 * thread never share a hold.
 *
 * <p>Every Redisson call is sent from, and every outcome handed back on, {@code executor} (Lamina's own
 * threads): no Redisson call runs on a Lettuce I/O thread, and no Lettuce call (the lease that follows a lock)
 * on a Redisson one. Each call takes the lock route of its key on the guard, a breaker apart from the data's.
 */
public final class RedissonDistributedLock implements DistributedLock {

    private final RedissonLauncher redisson;
    private final Guard guard;
    private final Routes routes;
    private final Executor executor;
    private final Duration startupWait;
    private final LongAdder unlockFailures = new LongAdder();

    public RedissonDistributedLock(RedissonLauncher redisson, Guard guard, Routes routes, Executor executor, Duration startupWait) {
        this.redisson = redisson;
        this.startupWait = startupWait;
        this.guard = guard;
        this.routes = routes;
        this.executor = executor;
    }

    /**
     * One attempt without waiting first; only if another holder has the lock, a second attempt that waits. So
     * {@link Handle#waited()} says exactly whether another holder was there, and an uncontended lock costs one
     * round trip.
     */
    @Override
    public CompletionStage<Handle> tryLock(RemoteKey key, Duration wait, Duration lease) {
        String name = RedisKeys.lock(key);
        String route = routes.lock(RedisKeys.bytes(name));
        long owner = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
        long leaseMillis = lease.toMillis();
        Duration maxStartupWait = wait.compareTo(startupWait) > 0 ? wait : startupWait;
        CompletableFuture<Handle> result = call(route, lock -> lock.tryLockAsync(0, leaseMillis, TimeUnit.MILLISECONDS, owner), name,
                        maxStartupWait)
                .thenCompose(free -> {
                    if (free || wait.isZero()) {
                        return CompletableFuture.<Handle>completedFuture(new RedissonHandle(name, route, owner, free, false));
                    }
                    return call(route, lock -> lock.tryLockAsync(wait.toMillis(), leaseMillis, TimeUnit.MILLISECONDS, owner), name,
                                    startupWait)
                            .thenApply(acquired -> (Handle) new RedissonHandle(name, route, owner, acquired, true));
                });
        result.whenComplete((handle, failure) -> {
            if (failure != null) {
                // a call that timed out may still have taken the lock in Redis: give it back, or every
                // other node would wait out lockWait for a holder that will never unlock
                unlock(name, route, owner);
            }
        });
        return result;
    }

    /** Unlock calls that failed (the lease then frees the lock; other nodes may wait for it meanwhile). */
    public long unlockFailures() {
        return unlockFailures.sum();
    }

    private CompletableFuture<Void> unlock(String name, String route, long owner) {
        return this.<Void>call(route, lock -> lock.unlockAsync(owner), name, startupWait).handle((ok, failure) -> {
            if (failure != null) {
                unlockFailures.increment();
            }
            return null;
        });
    }

    /** Sends a Redisson call from the executor, on the route's breaker, and completes on the executor. */
    private <T> CompletableFuture<T> call(String route, Function<RLock, CompletionStage<T>> op, String name, Duration maxStartupWait) {
        return CompletableFuture.supplyAsync(() -> guard.call(route,
                        () -> redisson.client(maxStartupWait).thenCompose(client -> op.apply(client.getLock(name)))), executor)
                .thenCompose(f -> f)
                .whenCompleteAsync((v, e) -> { }, executor);
    }

    private final class RedissonHandle implements Handle {
        private final String name;
        private final String route;
        private final long owner;
        private final boolean acquired;
        private final boolean waited;

        RedissonHandle(String name, String route, long owner, boolean acquired, boolean waited) {
            this.name = name;
            this.route = route;
            this.owner = owner;
            this.acquired = acquired;
            this.waited = waited;
        }

        @Override
        public boolean acquired() {
            return acquired;
        }

        @Override
        public boolean waited() {
            return waited;
        }

        @Override
        public CompletionStage<Void> unlock() {
            if (!acquired) {
                return CompletableFuture.completedFuture(null);
            }
            // a failed unlock (lease already expired, Redis down) leaves the lease to free the lock; counted
            return RedissonDistributedLock.this.unlock(name, route, owner);
        }
    }
}
