package io.lamina.cache.redis.internal;

import io.lamina.cache.spi.DistributedLock;
import io.lamina.cache.spi.RemoteKey;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;

/**
 * The lock across JVMs on Redisson's {@link RLock}. Each acquisition uses its own random owner id
 * instead of the thread id, so an asynchronous load may release it from any thread, and two loads on one
 * thread never share a hold.
 */
public final class RedissonDistributedLock implements DistributedLock {

    private final RedissonClient redisson;
    private final Guard guard;

    public RedissonDistributedLock(RedissonClient redisson, Guard guard) {
        this.redisson = redisson;
        this.guard = guard;
    }

    /**
     * One attempt without waiting first; only if another holder has the lock, a second attempt that waits. So
     * {@link Handle#waited()} says exactly whether another holder was there, and an uncontended lock costs one
     * round trip.
     */
    @Override
    public CompletionStage<Handle> tryLock(RemoteKey key, Duration wait, Duration lease) {
        RLock lock = redisson.getLock(RedisKeys.lock(key));
        long owner = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
        long leaseMillis = lease.toMillis();
        return guard.<Boolean>call(() -> lock.tryLockAsync(0, leaseMillis, TimeUnit.MILLISECONDS, owner))
                .thenCompose(free -> {
                    if (free || wait.isZero()) {
                        return CompletableFuture.<Handle>completedFuture(new RedissonHandle(lock, owner, free, false));
                    }
                    return guard.<Boolean>call(() -> lock.tryLockAsync(wait.toMillis(), leaseMillis, TimeUnit.MILLISECONDS, owner))
                            .thenApply(acquired -> (Handle) new RedissonHandle(lock, owner, acquired, true));
                })
                .whenComplete((handle, failure) -> {
                    if (failure != null) {
                        // a call that timed out may still have taken the lock in Redis: give it back, or every
                        // other node would wait out lockWait for a holder that will never unlock
                        guard.<Void>call(() -> lock.unlockAsync(owner)).exceptionally(e -> null);
                    }
                });
    }

    private final class RedissonHandle implements Handle {
        private final RLock lock;
        private final long owner;
        private final boolean acquired;
        private final boolean waited;

        RedissonHandle(RLock lock, long owner, boolean acquired, boolean waited) {
            this.lock = lock;
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
            // a failed unlock (lease already expired, Redis down) leaves the lease to free the lock
            return guard.<Void>call(() -> lock.unlockAsync(owner)).exceptionally(e -> null);
        }
    }
}
