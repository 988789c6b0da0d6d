package io.lamina.cache.redis.internal;

import io.lamina.cache.spi.RemoteKey;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The lock without Redisson on the class path: granted at once, holding nothing. A miss that finds another node's
 * fill lease then polls Redis for that node's value (every 25 ms, up to {@code lockWait}) instead of waiting on
 * Redisson's lock channel; one load per key across nodes is kept by the lease either way.
 */
public final class NoWaitLock implements TierLock {

    private static final Handle GRANTED = new Handle() {
        @Override
        public boolean acquired() {
            return true;
        }

        @Override
        public boolean waited() {
            return false;
        }

        @Override
        public CompletionStage<Void> unlock() {
            return CompletableFuture.completedFuture(null);
        }
    };

    @Override
    public CompletionStage<Handle> tryLock(RemoteKey key, Duration wait, Duration lease) {
        return CompletableFuture.completedFuture(GRANTED);
    }

    @Override
    public long unlockFailures() {
        return 0;
    }

    @Override
    public void missed() {
    }

    @Override
    public void close() {
    }
}
