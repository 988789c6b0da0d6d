package io.lamina.cache.spi;

import io.lamina.cache.CacheException;

/** The remote tier is known to be down (its circuit breaker is open): nothing was sent. */
public class RemoteUnavailableException extends CacheException {

    public RemoteUnavailableException(String message) {
        super(message);
    }
}
