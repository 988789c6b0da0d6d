package io.lamina.cache.spi;

import java.lang.reflect.Type;

/**
 * Turns values into the bytes stored in the remote tier and back. The caller always names the type to
 * decode into; implementations must never take a type (a class name) from the bytes, and must check
 * their size and nesting limits before decoding. Implementations must be thread-safe.
 */
public interface Codec {

    /**
     * Encodes a non-null value as its declared type.
     *
     * @param value the value, never null (nulls are stored as a sentinel, not encoded)
     * @param type  the declared type the value will be decoded as
     * @throws CodecException if the value cannot be encoded
     */
    byte[] encode(Object value, Type type);

    /**
     * Decodes bytes written by {@link #encode} into {@code type}.
     *
     * @throws CodecException if the bytes are corrupt, over a limit, or do not fit {@code type}; the
     *         caller treats that as a miss
     */
    Object decode(byte[] bytes, Type type);

    /** A short name for logs and metrics, such as {@code json}. */
    String name();
}
