package io.lamina.cache.redis.internal;

import io.lamina.cache.spi.RemoteKey;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** {@link TierLock} on Redisson: {@link RedissonDistributedLock} on a client {@link RedissonLauncher} builds. */
public final class RedissonTierLock implements TierLock {

    private final RedissonLauncher launcher;
    private final RedissonDistributedLock lock;

    public RedissonTierLock(RedissonLauncher launcher, Guard guard, Routes routes, Executor executor, Duration startupWait) {
        this.launcher = launcher;
        this.lock = new RedissonDistributedLock(launcher, guard, routes, executor, startupWait);
    }

    /**
     * The lock on {@code given} (a {@code RedissonClient} the caller owns), or, when it is null, on a client built from
     * {@code settings} once a miss first goes to Redis, in the background, each attempt bounded by {@code attemptTimeout}.
     */
    public static TierLock create(Object given, RedissonConfigs.Settings settings, Duration attemptTimeout, Guard guard,
            Routes routes, Executor executor, Duration startupWait) {
        RedissonLauncher launcher = given != null ? RedissonLauncher.of((org.redisson.api.RedissonClient) given)
                : RedissonLauncher.onDemand(() -> org.redisson.Redisson.create(RedissonConfigs.of(settings)), attemptTimeout);
        return new RedissonTierLock(launcher, guard, routes, executor, startupWait);
    }

    @Override
    public CompletionStage<Handle> tryLock(RemoteKey key, Duration wait, Duration lease) {
        return lock.tryLock(key, wait, lease);
    }

    @Override
    public long unlockFailures() {
        return lock.unlockFailures();
    }

    @Override
    public void missed() {
        launcher.ensureStarted();
    }

    @Override
    public void close() {
        launcher.close();
    }
}
