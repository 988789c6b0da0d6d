package io.lamina.cache.internal.envelope;

import io.lamina.cache.spi.Codec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One stored entry of the remote tier, and its binary form (format version 2, big-endian):
 *
 * <pre>
 * 'L' 'M'             magic
 * u8  version         2
 * u8  flags           bit 0: the value is null (no payload)
 * i64 createdAt       epoch ms, writer's clock
 * i64 freshUntil      epoch ms: logical expiry; the Redis TTL adds the fail-safe window and jitter
 * i64 shape           the codec's fingerprint of the value's type ({@code Codec.fingerprint}); 0: none, not checked
 * u16 tagCount        then per tag: u16 length, UTF-8 bytes, i64 version observed before the load
 * i32 payloadLength   then the codec's bytes; nothing may follow
 * </pre>
 *
 * Format 1, written by the releases before fingerprints, is the same without {@code shape}; it is still read,
 * with shape 0 (see docs/operations.md, rolling upgrades). Anything else — wrong magic, unknown version or flag,
 * lengths that do not add up, invalid UTF-8 — is rejected by {@link #decode} with
 * {@link CorruptEnvelopeException}; the reader counts it as a miss.
 */
public final class Envelope {

    /** The format this class writes. */
    public static final byte VERSION = 2;
    /** The format before shape fingerprints: read, never written. */
    public static final byte VERSION_1 = 1;
    /** The shape of an entry whose type has no fingerprint: readers do not check it. */
    public static final long NO_SHAPE = 0;
    private static final byte M0 = 'L';
    private static final byte M1 = 'M';
    private static final int FLAG_NULL = 1;
    private static final int HEADER_1 = 2 + 1 + 1 + 8 + 8 + 2 + 4;
    private static final int HEADER = HEADER_1 + 8;
    /** Most tags a caller may give one entry ({@code maxTagsPerEntry} is at most this). */
    public static final int MAX_USER_TAGS = 1024;
    /** Most tags one stored entry carries, and its reader accepts: the user's tags and the cache's own. */
    public static final int MAX_TAGS = MAX_USER_TAGS + 1;

    private final long createdAt;
    private final long freshUntil;
    private final boolean isNull;
    private final long shape;
    private final List<String> tags;
    private final long[] tagVersions;
    // the payload is bytes[payloadOffset, payloadOffset + payloadLength): a parsed entry keeps the stored bytes rather
    // than copy its payload out of them (the codec reads it in place, {@link #decodePayload})
    private final byte[] bytes;
    private final int payloadOffset;
    private final int payloadLength;

    public Envelope(long createdAt, long freshUntil, boolean isNull, long shape, List<String> tags, long[] tagVersions, byte[] payload) {
        this(createdAt, freshUntil, isNull, shape, tags, tagVersions, Objects.requireNonNull(payload, "payload"), 0, payload.length);
    }

    private Envelope(long createdAt, long freshUntil, boolean isNull, long shape, List<String> tags, long[] tagVersions, byte[] bytes,
            int payloadOffset, int payloadLength) {
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(tagVersions, "tagVersions");
        if (tags.size() != tagVersions.length) {
            throw new IllegalArgumentException("one version per tag");
        }
        if (tags.size() > MAX_TAGS) {
            // never write what no reader accepts
            throw new IllegalArgumentException("an entry carries at most " + MAX_TAGS + " tags, got " + tags.size());
        }
        this.createdAt = createdAt;
        this.freshUntil = freshUntil;
        this.isNull = isNull;
        this.shape = shape;
        this.tags = tags;
        this.tagVersions = tagVersions;
        this.bytes = bytes;
        this.payloadOffset = payloadOffset;
        this.payloadLength = payloadLength;
    }

    /** An entry without a shape fingerprint ({@link #NO_SHAPE}). */
    public Envelope(long createdAt, long freshUntil, boolean isNull, List<String> tags, long[] tagVersions, byte[] payload) {
        this(createdAt, freshUntil, isNull, NO_SHAPE, tags, tagVersions, payload);
    }

    public long createdAt() {
        return createdAt;
    }

    public long freshUntil() {
        return freshUntil;
    }

    public boolean isNull() {
        return isNull;
    }

    public long shape() {
        return shape;
    }

    public List<String> tags() {
        return tags;
    }

    public long[] tagVersions() {
        return tagVersions;
    }

    /** A copy of the codec's bytes. */
    public byte[] payload() {
        return Arrays.copyOfRange(bytes, payloadOffset, payloadOffset + payloadLength);
    }

    /** The codec's bytes decoded as {@code type}, read in place (without {@link #payload}'s copy). */
    public Object decodePayload(Codec codec, Type type) {
        return codec.decode(bytes, payloadOffset, payloadLength, type);
    }

    /** Whether the entry is still fresh at {@code nowMillis}. */
    public boolean freshAt(long nowMillis) {
        return nowMillis < freshUntil;
    }

    public byte[] encode() {
        byte[][] names = new byte[tags.size()][];
        int size = HEADER + payloadLength;
        for (int i = 0; i < names.length; i++) {
            names[i] = tags.get(i).getBytes(StandardCharsets.UTF_8);
            size += 2 + names[i].length + 8;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(M0).put(M1).put(VERSION).put((byte) (isNull ? FLAG_NULL : 0));
        out.putLong(createdAt).putLong(freshUntil).putLong(shape);
        out.putShort((short) names.length);
        for (int i = 0; i < names.length; i++) {
            out.putShort((short) names[i].length).put(names[i]).putLong(tagVersions[i]);
        }
        out.putInt(payloadLength).put(bytes, payloadOffset, payloadLength);
        return out.array();
    }

    /**
     * Parses stored bytes.
     *
     * @throws CorruptEnvelopeException if they are not a version-2 (or version-1) envelope
     */
    public static Envelope decode(byte[] bytes) {
        return decode(bytes, 0, bytes == null ? 0 : bytes.length);
    }

    /**
     * Parses the {@code count} bytes of {@code bytes} from {@code offset} (the envelope inside a signed entry,
     * {@link EntrySigner}).
     *
     * @throws CorruptEnvelopeException if they are not a version-2 (or version-1) envelope
     */
    public static Envelope decode(byte[] bytes, int offset, int count) {
        return decode(bytes, offset, count, null);
    }

    /** A tag most entries carry, for {@link #decode(byte[], int, int, Known)}: made by {@link #known}. */
    public record Known(String tag, byte[] ascii) {
    }

    /** {@code tag} for {@link #decode(byte[], int, int, Known)}, or null when it is not ASCII (never matched). */
    public static Known known(String tag) {
        for (int i = 0; i < tag.length(); i++) {
            if (tag.charAt(i) >= 0x80) {
                return null;
            }
        }
        return new Known(tag, tag.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * {@link #decode(byte[], int, int)}, with a tag most entries carry ({@code known}, or null): a stored tag equal to
     * it is that string rather than a new one (every entry carries its cache's tag; a page holds many).
     */
    public static Envelope decode(byte[] bytes, int offset, int count, Known known) {
        if (bytes == null || count < HEADER_1) {
            throw new CorruptEnvelopeException("too short for an envelope: " + (bytes == null ? 0 : count) + " bytes");
        }
        Objects.checkFromIndexSize(offset, count, bytes.length);
        // read in place, every length checked against the end before it is used (no ByteBuffer per entry)
        int end = offset + count;
        int at = offset;
        byte m0 = bytes[at];
        byte m1 = bytes[at + 1];
        if (m0 == M0 && m1 == 'S') {
            throw new CorruptEnvelopeException("a signed entry, and this node has no signing key");
        }
        if (m0 != M0 || m1 != M1) {
            throw new CorruptEnvelopeException("not a Lamina envelope (bad magic)");
        }
        byte version = bytes[at + 2];
        if (version != VERSION && version != VERSION_1) {
            throw new CorruptEnvelopeException("unknown envelope format version " + version);
        }
        int flags = bytes[at + 3];
        if ((flags & ~FLAG_NULL) != 0) {
            throw new CorruptEnvelopeException("unknown envelope flags " + flags);
        }
        at += 4;
        // the fixed part up to and with the tag count (count >= HEADER_1 covers format 1's)
        need(at, version == VERSION_1 ? 8 + 8 + 2 : 8 + 8 + 8 + 2, end);
        long createdAt = (long) LONG.get(bytes, at);
        long freshUntil = (long) LONG.get(bytes, at + 8);
        at += 16;
        long shape = NO_SHAPE;
        if (version != VERSION_1) {
            shape = (long) LONG.get(bytes, at);
            at += 8;
        }
        int tagCount = Short.toUnsignedInt((short) SHORT.get(bytes, at));
        at += 2;
        if (tagCount > MAX_TAGS) {
            throw new CorruptEnvelopeException("too many tags: " + tagCount);
        }
        String[] tags = new String[tagCount];
        long[] versions = new long[tagCount];
        for (int i = 0; i < tagCount; i++) {
            need(at, 2, end);
            int length = Short.toUnsignedInt((short) SHORT.get(bytes, at));
            at += 2;
            if (length > end - at) {
                throw new CorruptEnvelopeException("tag length " + length + " past the end");
            }
            tags[i] = is(known, bytes, at, length) ? known.tag
                    : ascii(bytes, at, length) ? new String(bytes, at, length, StandardCharsets.ISO_8859_1)
                    : utf8(bytes, at, length);
            at += length;
            need(at, 8, end);
            versions[i] = (long) LONG.get(bytes, at);
            at += 8;
        }
        need(at, 4, end);
        int payloadLength = (int) INT.get(bytes, at);
        at += 4;
        if (payloadLength < 0 || payloadLength != end - at) {
            throw new CorruptEnvelopeException("payload length " + payloadLength + " does not match the " + (end - at) + " bytes left");
        }
        boolean isNull = (flags & FLAG_NULL) != 0;
        if (isNull && payloadLength != 0) {
            throw new CorruptEnvelopeException("a null entry with a payload");
        }
        return new Envelope(createdAt, freshUntil, isNull, shape, List.of(tags), versions, bytes, at, payloadLength);
    }

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Fails as a truncated envelope unless {@code n} bytes are left from {@code at} to {@code end}. */
    private static void need(int at, int n, int end) {
        if (n > end - at) {
            throw new CorruptEnvelopeException("truncated envelope");
        }
    }

    private static String utf8(byte[] bytes, int at, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, at, length)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptEnvelopeException("tag is not valid UTF-8");
        }
    }

    /** Whether the {@code length} bytes from {@code from} are {@code known}'s. */
    private static boolean is(Known known, byte[] bytes, int from, int length) {
        return known != null && known.ascii.length == length && Arrays.equals(bytes, from, from + length, known.ascii, 0, length);
    }

    /** Whether every byte is ASCII, which is valid UTF-8 read byte for byte: most tags, decoded without a decoder. */
    private static boolean ascii(byte[] bytes, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope e && createdAt == e.createdAt && freshUntil == e.freshUntil && isNull == e.isNull
                && shape == e.shape && tags.equals(e.tags) && Arrays.equals(tagVersions, e.tagVersions)
                && Arrays.equals(bytes, payloadOffset, payloadOffset + payloadLength, e.bytes, e.payloadOffset, e.payloadOffset + e.payloadLength);
    }

    @Override
    public int hashCode() {
        return Objects.hash(createdAt, freshUntil, isNull, shape, tags, Arrays.hashCode(tagVersions), Arrays.hashCode(payload()));
    }

    @Override
    public String toString() {
        return "Envelope{createdAt=" + createdAt + ", freshUntil=" + freshUntil + ", null=" + isNull + ", shape=" + Long.toHexString(shape) + ", tags=" + tags
                + ", payload=" + payloadLength + " bytes}";
    }
}
