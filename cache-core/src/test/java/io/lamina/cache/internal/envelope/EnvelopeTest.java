package io.lamina.cache.internal.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stored format: version 2 carries the value type's shape fingerprint; version 1 is still read, without one. */
class EnvelopeTest {

    private static final byte[] JSON = "{\"sku\":\"a\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void roundTrips_withItsShape() {
        Envelope e = new Envelope(1_000, 2_000, false, 0x1234_5678_9abc_def0L, List.of("t1", "\u0001cache:c"), new long[] {3, 4}, JSON);
        byte[] bytes = e.encode();
        assertThat(bytes[2]).isEqualTo(Envelope.VERSION).isEqualTo((byte) 2);
        Envelope back = Envelope.decode(bytes);
        assertThat(back).isEqualTo(e);
        assertThat(back.shape()).isEqualTo(0x1234_5678_9abc_def0L);
    }

    @Test
    void theMostTagsAWriterMayStore_theReaderReads() {
        // maxTagsPerEntry user tags plus the cache's own tag: what one entry can carry at most
        int most = Envelope.MAX_USER_TAGS + 1;
        List<String> tags = java.util.stream.IntStream.range(0, most).mapToObj(i -> "t" + i).toList();
        Envelope e = new Envelope(1_000, 2_000, false, 7, tags, new long[most], JSON);
        assertThat(Envelope.decode(e.encode()).tags()).hasSize(most);

        List<String> tooMany = java.util.stream.IntStream.range(0, most + 1).mapToObj(i -> "t" + i).toList();
        assertThatThrownBy(() -> new Envelope(1_000, 2_000, false, 7, tooMany, new long[most + 1], JSON))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("" + most);
    }

    @Test
    void withoutAShape_isNoShape() {
        Envelope e = new Envelope(1_000, 2_000, true, List.of(), new long[0], new byte[0]);
        assertThat(e.shape()).isEqualTo(Envelope.NO_SHAPE);
        assertThat(Envelope.decode(e.encode()).shape()).isEqualTo(Envelope.NO_SHAPE);
    }

    /** Bytes as the release before shape fingerprints wrote them (format 1). */
    private static byte[] formatOne(long createdAt, long freshUntil, String tag, long version, byte[] payload) {
        byte[] name = tag.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + 1 + 1 + 8 + 8 + 2 + 2 + name.length + 8 + 4 + payload.length)
                .put((byte) 'L').put((byte) 'M').put((byte) 1).put((byte) 0)
                .putLong(createdAt).putLong(freshUntil)
                .putShort((short) 1).putShort((short) name.length).put(name).putLong(version)
                .putInt(payload.length).put(payload).array();
    }

    @Test
    void formatOne_isStillRead_withoutAShape() {
        Envelope e = Envelope.decode(formatOne(1_000, 2_000, "t", 7, JSON));
        assertThat(e.createdAt()).isEqualTo(1_000);
        assertThat(e.freshUntil()).isEqualTo(2_000);
        assertThat(e.shape()).isEqualTo(Envelope.NO_SHAPE);
        assertThat(e.tags()).containsExactly("t");
        assertThat(e.tagVersions()).containsExactly(7);
        assertThat(e.payload()).isEqualTo(JSON);
    }

    @Test
    void aFormatTwoHeaderCutShort_isCorrupt() {
        byte[] bytes = new Envelope(1_000, 2_000, false, 42, List.of(), new long[0], JSON).encode();
        assertThatThrownBy(() -> Envelope.decode(Arrays.copyOf(bytes, 2 + 1 + 1 + 8 + 8 + 4)))
                .isInstanceOf(CorruptEnvelopeException.class);
        byte[] unknown = bytes.clone();
        unknown[2] = 3;
        assertThatThrownBy(() -> Envelope.decode(unknown)).isInstanceOf(CorruptEnvelopeException.class).hasMessageContaining("version 3");
    }

    @Test
    void aParsedEntry_decodesItsPayloadInPlace_andStillHandsOutACopy() {
        byte[] stored = new Envelope(1_000, 2_000, false, 7, List.of("\u0001cache:c"), new long[] {3}, JSON).encode();
        Envelope back = Envelope.decode(stored);
        byte[] copy = back.payload();
        assertThat(copy).isEqualTo(JSON);
        copy[0] = 'x';   // a caller's copy never reaches the entry
        assertThat(back.payload()).isEqualTo(JSON);
        io.lamina.cache.spi.JsonCodec codec = io.lamina.cache.spi.JsonCodec.create();
        assertThat(back.decodePayload(codec, java.util.Map.class)).isEqualTo(java.util.Map.of("sku", "a"));
        // a codec with only the whole-array decode reads the same range, through the interface's copying default
        io.lamina.cache.spi.Codec plain = new io.lamina.cache.spi.Codec() {
            @Override
            public byte[] encode(Object value, java.lang.reflect.Type type) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Object decode(byte[] bytes, java.lang.reflect.Type type) {
                return new String(bytes, StandardCharsets.UTF_8);
            }

            @Override
            public String name() {
                return "plain";
            }
        };
        assertThat(back.decodePayload(plain, String.class)).isEqualTo("{\"sku\":\"a\"}");
        assertThat(back.encode()).isEqualTo(stored);
        assertThat(back).isEqualTo(new Envelope(1_000, 2_000, false, 7, List.of("\u0001cache:c"), new long[] {3}, JSON))
                .hasSameHashCodeAs(new Envelope(1_000, 2_000, false, 7, List.of("\u0001cache:c"), new long[] {3}, JSON));
    }

    @Test
    void aStoredTagEqualToTheKnownOne_isThatString_othersAreReadAsStored() {
        String known = new String("\u0001cache:c".toCharArray());
        byte[] stored = new Envelope(1_000, 2_000, false, 7, List.of("\u0001cache:d", "\u0001cache:c", "caf\u00e9"), new long[] {1, 2, 3}, JSON)
                .encode();
        Envelope back = Envelope.decode(stored, 0, stored.length, Envelope.known(known));
        assertThat(back.tags()).containsExactly("\u0001cache:d", "\u0001cache:c", "caf\u00e9");
        assertThat(back.tags().get(1)).isSameAs(known);
        assertThat(back.tags().get(0)).isNotSameAs(known);
        // a tag that is not ASCII is never matched byte for byte: the stored one is decoded as UTF-8
        assertThat(Envelope.known("caf\u00e9")).isNull();
        assertThat(Envelope.decode(stored, 0, stored.length, null).tags()).containsExactly("\u0001cache:d", "\u0001cache:c", "caf\u00e9");
        // nor is a known tag that is only a prefix of the stored one, or longer than it
        assertThat(Envelope.decode(stored, 0, stored.length, Envelope.known("\u0001cache:")).tags().get(1)).isEqualTo("\u0001cache:c");
        assertThat(Envelope.decode(stored, 0, stored.length, Envelope.known("\u0001cache:cc")).tags().get(1)).isEqualTo("\u0001cache:c");
    }

    @Test
    void everyTruncation_andEveryChangedByte_isCorruptOrAnEnvelope_neverAnotherFailure() {
        byte[] two = new Envelope(1_000, 2_000, false, 7, List.of("t1", "caf\u00e9", "\u0001cache:c"), new long[] {1, 2, 3}, JSON).encode();
        byte[] one = formatOne(1_000, 2_000, "t", 7, JSON);
        for (byte[] valid : List.of(two, one)) {
            for (int length = 0; length < valid.length; length++) {
                byte[] cut = Arrays.copyOf(valid, length);
                assertThatThrownBy(() -> Envelope.decode(cut)).as("cut at " + cut.length).isInstanceOf(CorruptEnvelopeException.class);
            }
            for (int i = 0; i < valid.length; i++) {
                for (int value : new int[] {0, 1, 0x7f, 0x80, 0xff}) {
                    byte[] changed = valid.clone();
                    changed[i] = (byte) value;
                    try {
                        Envelope e = Envelope.decode(changed);
                        assertThat(e.payload().length).isLessThan(valid.length);   // read from inside the bytes given
                    } catch (CorruptEnvelopeException expected) {
                        // a miss for the reader
                    }
                }
            }
            // inside a larger array (a signed entry): the bytes after the range are never read
            byte[] framed = Arrays.copyOf(valid, valid.length + 3);
            assertThatThrownBy(() -> Envelope.decode(framed, 0, valid.length - 1)).isInstanceOf(CorruptEnvelopeException.class);
            assertThat(Envelope.decode(framed, 0, valid.length)).isEqualTo(Envelope.decode(valid));
        }
    }
}
