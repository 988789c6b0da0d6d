package io.lamina.cache.spi;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A per-key mutex across JVMs. It is an efficiency lock: it saves duplicate loads; correctness comes from
 * the fenced fill ({@link RemoteTier#fill}). Implementations must be thread-safe and must not bind a lock
 * to the thread that took it (async loads release it from another thread).
 */
public interface DistributedLock {

    /**
     * Tries to take the lock of {@code key}, waiting at most {@code wait}; the lock frees itself after
     * {@code lease} if it is never released. Completes exceptionally only if the remote tier failed.
     */
    CompletionStage<Handle> tryLock(RemoteKey key, Duration wait, Duration lease);

    /** The outcome of one {@link #tryLock}. */
    interface Handle {

        /** Whether the lock was taken. */
        boolean acquired();

        /** Whether taking it had to wait for another holder (so the holder may have filled the entry). */
        boolean waited();

        /** Releases the lock if it was taken; never fails (a failure is logged and the lease frees it). */
        CompletionStage<Void> unlock();
    }
}
