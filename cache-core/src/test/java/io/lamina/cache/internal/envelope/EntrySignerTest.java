package io.lamina.cache.internal.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.spi.RemoteKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The signed-entry layout: header, key id, HMAC-SHA256 over where the entry is stored and the envelope. */
class EntrySignerTest {

    private static final byte[] K1 = key(1);
    private static final byte[] K2 = key(2);
    private static final RemoteKey AT = new RemoteKey("shop", "products", "42");
    private static final byte[] ENVELOPE = new Envelope(1_000, 2_000, false, 7, List.of("\u0001cache:products"), new long[] {3},
            "{\"id\":42}".getBytes(StandardCharsets.UTF_8)).encode();

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) seed);
        return k;
    }

    @Test
    void layout_isMagicVersionKeyIdMacThenTheEnvelope_andTheMacIsRecomputableFromTheSpec() throws Exception {
        byte[] signed = EntrySigner.of(K1, List.of()).sign(AT, ENVELOPE);

        assertThat(signed).hasSize(EntrySigner.HEADER + ENVELOPE.length).hasSize(39 + ENVELOPE.length);
        assertThat(signed[0]).isEqualTo((byte) 'L');
        assertThat(signed[1]).isEqualTo((byte) 'S');
        assertThat(signed[2]).isEqualTo((byte) 1);
        assertThat(Arrays.copyOfRange(signed, 39, signed.length)).isEqualTo(ENVELOPE);

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(K1, "HmacSHA256"));
        byte[] id = mac.doFinal("lamina key id".getBytes(StandardCharsets.US_ASCII));
        assertThat(Arrays.copyOfRange(signed, 3, 7)).isEqualTo(Arrays.copyOf(id, 4));

        ByteBuffer input = ByteBuffer.allocate(200 + ENVELOPE.length);
        input.put("lamina entry v1\0".getBytes(StandardCharsets.US_ASCII));
        input.putShort((short) 4).put("shop".getBytes(StandardCharsets.UTF_8));
        input.putShort((short) 8).put("products".getBytes(StandardCharsets.UTF_8));
        input.putInt(2).put("42".getBytes(StandardCharsets.UTF_8));
        input.put(ENVELOPE);
        mac.update(input.array(), 0, input.position());
        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(signed, 7, 39))).isEqualTo(HexFormat.of().formatHex(mac.doFinal()));

        assertThat(Envelope.decode(signed, EntrySigner.HEADER, signed.length - EntrySigner.HEADER)).isEqualTo(Envelope.decode(ENVELOPE));
    }

    @Test
    void verifies_whatItSigned_andWhatAnAcceptedKeySigned() {
        EntrySigner k1 = EntrySigner.of(K1, List.of());
        EntrySigner k2AcceptingK1 = EntrySigner.of(K2, List.of(K1));
        assertThat(k1.verify(AT, k1.sign(AT, ENVELOPE))).isNull();
        assertThat(k2AcceptingK1.verify(AT, k1.sign(AT, ENVELOPE))).isNull();
        assertThat(k2AcceptingK1.verify(AT, k2AcceptingK1.sign(AT, ENVELOPE))).isNull();
        assertThat(EntrySigner.of(K1, List.of(K2)).verify(AT, k2AcceptingK1.sign(AT, ENVELOPE))).isNull();
        assertThat(k1.verify(AT, k2AcceptingK1.sign(AT, ENVELOPE))).isEqualTo("signed with a key this node does not accept");
    }

    @Test
    void rejects_unsigned_tampered_moved_truncated_andGarbage() {
        EntrySigner signer = EntrySigner.of(K1, List.of());
        byte[] signed = signer.sign(AT, ENVELOPE);

        assertThat(signer.verify(AT, ENVELOPE)).isEqualTo("not signed");
        for (int i = 7; i < signed.length; i++) {   // every bit after the key id matters; one per byte is enough to show it
            byte[] tampered = signed.clone();
            tampered[i] ^= 1;
            assertThat(signer.verify(AT, tampered)).as("byte %d flipped", i).isNotNull();
        }
        assertThat(signer.verify(new RemoteKey("shop", "products", "43"), signed)).startsWith("signature does not match");
        assertThat(signer.verify(new RemoteKey("shop", "orders", "42"), signed)).startsWith("signature does not match");
        assertThat(signer.verify(new RemoteKey("other", "products", "42"), signed)).startsWith("signature does not match");
        // lengths are part of the input: moving a character from the cache to the key does not verify
        assertThat(signer.verify(new RemoteKey("shop", "product", "s42"), signed)).startsWith("signature does not match");
        assertThat(signer.verify(AT, Arrays.copyOf(signed, signed.length - 1))).startsWith("signature does not match");
        assertThat(signer.verify(AT, Arrays.copyOf(signed, 20))).isEqualTo("too short for a signed entry");
        assertThat(signer.verify(AT, new byte[0])).isEqualTo("too short for a signed entry");
        assertThat(signer.verify(AT, new byte[100])).isEqualTo("not a signed entry (bad magic)");
        byte[] future = signed.clone();
        future[2] = 9;
        assertThat(signer.verify(AT, future)).isEqualTo("unknown signed-entry version 9");
    }

    @Test
    void aNodeWithoutAKey_readsASignedEntryAsUnreadable_withAClearReason() {
        byte[] signed = EntrySigner.of(K1, List.of()).sign(AT, ENVELOPE);
        assertThatThrownBy(() -> Envelope.decode(signed)).isInstanceOf(CorruptEnvelopeException.class)
                .hasMessageContaining("signed entry").hasMessageContaining("no signing key");
    }

    @Test
    void badKeys_areRefused_namingTheKeyAndItsLength_neverItsBytes() {
        byte[] shortKey = "0123456789abcdef0123456789abcde".getBytes(StandardCharsets.US_ASCII);   // 31 bytes
        assertThatThrownBy(() -> EntrySigner.of(shortKey, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("signingKey must be at least 32 bytes (256 bits) of random data, got 31 bytes");
        assertThatThrownBy(() -> EntrySigner.of(K1, List.of(K2, shortKey))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("acceptedSigningKeys[1] must be at least 32 bytes")
                .message().doesNotContain("0123456789");
        assertThatThrownBy(() -> EntrySigner.of(null, List.of())).isInstanceOf(NullPointerException.class).hasMessage("signingKey");
        assertThatThrownBy(() -> EntrySigner.of(K1, Arrays.asList(K2, null))).isInstanceOf(NullPointerException.class)
                .hasMessage("acceptedSigningKeys[1]");
        assertThat(EntrySigner.of(K1, List.of(K2)).toString()).isEqualTo("EntrySigner{2 keys}");
    }

    @Test
    void theSignerCopiesItsKeys() {
        byte[] k = K1.clone();
        EntrySigner signer = EntrySigner.of(k, List.of());
        byte[] before = signer.sign(AT, ENVELOPE);
        Arrays.fill(k, (byte) 0);
        assertThat(signer.sign(AT, ENVELOPE)).isEqualTo(before);
    }
}
