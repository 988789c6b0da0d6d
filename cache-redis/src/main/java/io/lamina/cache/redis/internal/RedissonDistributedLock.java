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

    @Override
    public CompletionStage<Handle> tryLock(RemoteKey key, Duration wait, Duration lease) {
        RLock lock = redisson.getLock(RedisKeys.lock(key));
        long owner = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
        long start = System.nanoTime();
        return guard.<Boolean>call(() -> lock.tryLockAsync(wait.toMillis(), lease.toMillis(), TimeUnit.MILLISECONDS, owner))
                .thenApply(acquired -> new RedissonHandle(lock, owner, acquired,
                        System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(1)));
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
