package io.lamina.cache.internal.envelope;

import io.lamina.cache.CacheException;

/** Stored bytes are not an envelope this version can read. Always handled as a miss, never thrown to callers. */
public final class CorruptEnvelopeException extends CacheException {

    public CorruptEnvelopeException(String message) {
        super(message);
    }
}
