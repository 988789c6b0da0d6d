package io.lamina.cache;

/**
 * A loader failed with a checked exception; {@link #getCause()} is that exception. Nothing was cached
 * for the failed load, and the next call of the same key loads again.
 */
public class CacheLoaderException extends CacheException {

    public CacheLoaderException(String message, Throwable cause) {
        super(message, cause);
    }
}
