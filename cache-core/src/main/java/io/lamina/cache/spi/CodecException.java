package io.lamina.cache.spi;

import io.lamina.cache.CacheException;

/** A value could not be encoded, or stored bytes could not be decoded into the requested type. */
public class CodecException extends CacheException {

    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
