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

    /**
     * Decodes the {@code length} bytes of {@code bytes} from {@code offset}, as {@link #decode(byte[], Type)} does:
     * how the cache reads a value in place inside its stored entry. The default copies the range and calls
     * {@link #decode(byte[], Type)}; a codec that can read a range directly overrides it to save the copy.
     *
     * @throws CodecException as {@link #decode(byte[], Type)}
     * @throws IndexOutOfBoundsException if the range is not inside {@code bytes}
     */
    default Object decode(byte[] bytes, int offset, int length, Type type) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        return decode(java.util.Arrays.copyOfRange(bytes, offset, offset + length), type);
    }

    /**
     * A fingerprint of the shape values of {@code type} take in this codec's bytes (for JSON: the property names
     * and their types, nested types included), stored in every entry's envelope. A reader whose type has another
     * non-zero fingerprint than the one stored treats the entry as a miss, counted as a shape mismatch, and
     * reloads it, instead of decoding bytes written by another version of the class into a half-filled object
     * (a rolling deploy that changed a cached class).
     *
     * <p>A codec that implements this must return, for every {@code Type} that names the same logical type
     * (a {@code Class}, or equal {@code ParameterizedType}s from two {@code TypeRef}s), the same value in every
     * JVM and every release that writes the same bytes for it, and another value when the bytes change shape:
     * derive it from a stable description (never from {@code hashCode} of objects, class loaders or time). It is
     * called on every remote read and write, so it must be cheap: compute it once per type and cache it. It
     * must not throw, and it must not depend on the value (writes of {@code put} pass the value's class).
     *
     * <p>Returns 0 when the codec does not describe shapes, or when the type has no fixed shape (such as
     * {@code Object} or an interface): 0 is never checked, on either side. The default returns 0, so a custom
     * codec that does not override it keeps working as before, without shape checks.
     *
     * @param type the declared type values are encoded and decoded as, never null
     * @return the fingerprint, or 0 for none
     */
    default long fingerprint(Type type) {
        return 0;
    }

    /** A short name for logs and metrics, such as {@code json}. */
    String name();
}
