package io.lamina.cache;

/**
 * A load ran past the cache's {@code hardTimeout} and no stale value could stand in. The load itself goes
 * on in the background and fills the cache when it finishes.
 */
public class CacheLoadTimeoutException extends CacheException {

    public CacheLoadTimeoutException(String message) {
        super(message);
    }
}
