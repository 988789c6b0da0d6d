package io.lamina.cache.internal.envelope;

import io.lamina.cache.spi.RemoteKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates stored entries with HMAC-SHA256, so that only a holder of a configured key can write an entry a
 * node serves. A signed entry is the envelope behind a header (big-endian):
 *
 * <pre>
 * 'L' 'S'   magic of a signed entry (an unsigned envelope starts 'L' 'M')
 * u8  version   1
 * i32 keyId     which key signed it: the first 4 bytes of HMAC-SHA256(key, "lamina key id"), which says nothing of the key
 * u8[32] mac    HMAC-SHA256(key, "lamina entry v1" 0x00, u16 + UTF-8 namespace, u16 + UTF-8 cache,
 *               i32 + UTF-8 formatted key, then the envelope's bytes)
 * ...           the envelope ({@link Envelope#encode})
 * </pre>
 *
 * The MAC covers where the entry is stored (namespace, cache and formatted key, each with its length, so no two
 * places share an input): the bytes of one key copied under another do not verify. Verification runs before any
 * byte of the envelope is parsed. Rotation: entries are signed with the current key and verified with the current
 * key or any accepted one, chosen by {@code keyId} (in the rare case two keys share an id, each is tried).
 *
 * <p>Thread-safe: each thread has its own {@link Mac} per key. Keys are copied on construction and never exposed.
 */
public final class EntrySigner {

    /** Shortest key accepted: as long as the MAC, as RFC 2104 recommends. */
    public static final int MIN_KEY_BYTES = 32;
    private static final byte M0 = 'L';
    private static final byte M1 = 'S';
    private static final byte VERSION = 1;
    private static final int MAC_BYTES = 32;
    /** Bytes before the envelope in a signed entry. */
    public static final int HEADER = 2 + 1 + 4 + MAC_BYTES;
    private static final byte[] DOMAIN = "lamina entry v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec[] keys;   // [0] is the current key
    private final int[] ids;
    private final ThreadLocal<Mac[]> macs;

    private EntrySigner(List<byte[]> keys) {
        this.keys = new SecretKeySpec[keys.size()];
        this.ids = new int[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            this.keys[i] = new SecretKeySpec(keys.get(i), ALGORITHM);   // copies the bytes
            Mac mac = newMac(this.keys[i]);
            byte[] id = mac.doFinal("lamina key id".getBytes(StandardCharsets.US_ASCII));
            ids[i] = (id[0] & 0xff) << 24 | (id[1] & 0xff) << 16 | (id[2] & 0xff) << 8 | (id[3] & 0xff);
        }
        this.macs = ThreadLocal.withInitial(() -> {
            Mac[] m = new Mac[this.keys.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = newMac(this.keys[i]);
            }
            return m;
        });
    }

    /**
     * A signer that signs with {@code current} and accepts entries signed with it or with any of {@code accepted}.
     *
     * @throws NullPointerException     if {@code current}, {@code accepted} or one of its keys is null
     * @throws IllegalArgumentException if a key is shorter than {@value #MIN_KEY_BYTES} bytes (the message names which
     *                                  key and its length, never its bytes)
     */
    public static EntrySigner of(byte[] current, List<byte[]> accepted) {
        Objects.requireNonNull(current, "signingKey");
        Objects.requireNonNull(accepted, "acceptedSigningKeys");
        checkKey("signingKey", current);
        List<byte[]> all = new ArrayList<>(accepted.size() + 1);
        all.add(current);
        for (int i = 0; i < accepted.size(); i++) {
            byte[] k = Objects.requireNonNull(accepted.get(i), "acceptedSigningKeys[" + i + "]");
            checkKey("acceptedSigningKeys[" + i + "]", k);
            all.add(k);
        }
        return new EntrySigner(all);
    }

    /** Throws unless {@code key} is long enough; {@code name} says which key in the message. */
    public static void checkKey(String name, byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(name + " must be at least " + MIN_KEY_BYTES + " bytes (256 bits) of random data, got "
                    + key.length + " bytes");
        }
    }

    /** The stored form of {@code envelope} (its encoded bytes) at {@code where}: header, then the envelope. */
    public byte[] sign(RemoteKey where, byte[] envelope) {
        byte[] out = new byte[HEADER + envelope.length];
        out[0] = M0;
        out[1] = M1;
        out[2] = VERSION;
        int id = ids[0];
        out[3] = (byte) (id >>> 24);
        out[4] = (byte) (id >>> 16);
        out[5] = (byte) (id >>> 8);
        out[6] = (byte) id;
        System.arraycopy(envelope, 0, out, HEADER, envelope.length);
        Mac mac = macs.get()[0];
        feed(mac, where, out, HEADER, envelope.length);
        try {
            mac.doFinal(out, 7);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);   // cannot happen: 32 bytes are reserved
        }
        return out;
    }

    /**
     * Checks stored bytes read at {@code where}; the envelope starts at {@link #HEADER} when they verify.
     *
     * @return null when they verify, otherwise why not (a short text, no byte of the entry)
     */
    public String verify(RemoteKey where, byte[] stored) {
        if (stored.length < HEADER) {
            return stored.length >= 2 && stored[0] == M0 && stored[1] == 'M' ? "not signed" : "too short for a signed entry";
        }
        if (stored[0] != M0 || stored[1] != M1) {
            return stored[1] == 'M' && stored[0] == M0 ? "not signed" : "not a signed entry (bad magic)";
        }
        if (stored[2] != VERSION) {
            return "unknown signed-entry version " + stored[2];
        }
        int id = (stored[3] & 0xff) << 24 | (stored[4] & 0xff) << 16 | (stored[5] & 0xff) << 8 | (stored[6] & 0xff);
        boolean known = false;
        Mac[] m = null;
        byte[] expected = null;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != id) {
                continue;
            }
            known = true;
            if (m == null) {
                m = macs.get();
                expected = new byte[MAC_BYTES];
            }
            feed(m[i], where, stored, HEADER, stored.length - HEADER);
            try {
                m[i].doFinal(expected, 0);
            } catch (javax.crypto.ShortBufferException e) {
                throw new IllegalStateException(e);
            }
            if (MessageDigest.isEqual(expected, java.util.Arrays.copyOfRange(stored, 7, HEADER))) {
                return null;
            }
        }
        return known ? "signature does not match (forged, or stored under another key)" : "signed with a key this node does not accept";
    }

    private static void feed(Mac mac, RemoteKey where, byte[] bytes, int offset, int length) {
        mac.update(DOMAIN);
        string(mac, where.namespace(), false);
        string(mac, where.cache(), false);
        string(mac, where.key(), true);
        mac.update(bytes, offset, length);
    }

    private static void string(Mac mac, String s, boolean wide) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = b.length;
        if (wide) {
            mac.update((byte) (n >>> 24));
            mac.update((byte) (n >>> 16));
        }
        mac.update((byte) (n >>> 8));
        mac.update((byte) n);
        mac.update(b);
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "EntrySigner{" + keys.length + " keys}";
    }
}
