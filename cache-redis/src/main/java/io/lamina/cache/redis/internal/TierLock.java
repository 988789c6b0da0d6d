package io.lamina.cache.redis.internal;

import io.lamina.cache.spi.DistributedLock;

/**
 * The lock across JVMs as the Redis tier holds it: on Redisson when Redisson is on the class path
 * ({@link RedissonTierLock}), else {@link NoWaitLock}. Only a miss that finds another node's fill lease takes it, to
 * wait for that node's value; the lease, not the lock, decides who loads.
 */
public interface TierLock extends DistributedLock, AutoCloseable {

    /** Lock releases that failed (the lock then frees itself after its lease). */
    long unlockFailures();

    /** A miss went to Redis: a lock built on demand starts being built now, in the background. Cheap; idempotent. */
    void missed();

    @Override
    void close();

    /** Whether Redisson (the optional dependency the lock runs on) is on the class path of Lamina. */
    static boolean redissonPresent() {
        try {
            Class.forName("org.redisson.api.RedissonClient", false, TierLock.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
