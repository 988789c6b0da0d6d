package io.lamina.cache;

/**
 * What a caller does when the lock across JVMs is still held by another node after the cache's
 * {@code lockWait}: the holder's load is slow, or the holder died and its lock lease has not run out.
 */
public enum LockTimeoutPolicy {

    /**
     * Load anyway (default). The result is returned; it is stored only if no other load holds the fill
     * lease, so a slow holder's result is never overwritten by a racing one.
     */
    LOAD,

    /** Return the stale value kept by fail-safe if there is one, else load as {@link #LOAD} does. */
    STALE,

    /** Throw {@link CacheLockTimeoutException}. */
    FAIL
}
