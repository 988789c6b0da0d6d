package io.lamina.cache.internal.bus;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One invalidation message. It carries no values: the sending node, what to drop (keys of a cache, tags
 * with their new versions, or a whole cache) and, for heartbeats, nothing else. Binary form:
 * {@code u8 format(1), u8 kind, utf origin, utf cache, u16 count, count x (utf name, i64 version)}.
 *
 * @param kind     what the message says
 * @param origin   the sending node's id
 * @param cache    the cache name (KEYS, ALL), or "" (TAGS, HEARTBEAT)
 * @param names    formatted keys (KEYS) or tags (TAGS); empty otherwise
 * @param versions the tags' new versions (TAGS), or one: the cache's new version (ALL)
 */
public record BusMessage(Kind kind, String origin, String cache, List<String> names, long[] versions) {

    private static final int FORMAT = 1;
    /** Most names one message carries; larger batches are split. */
    public static final int MAX_NAMES = 1_000;

    public enum Kind { KEYS, TAGS, ALL, HEARTBEAT }

    public static BusMessage keys(String origin, String cache, List<String> formattedKeys) {
        return new BusMessage(Kind.KEYS, origin, cache, formattedKeys, new long[0]);
    }

    public static BusMessage tags(String origin, List<String> tags, long[] versions) {
        return new BusMessage(Kind.TAGS, origin, "", tags, versions);
    }

    public static BusMessage all(String origin, String cache, long version) {
        return new BusMessage(Kind.ALL, origin, cache, List.of(), new long[] {version});
    }

    public static BusMessage heartbeat(String origin) {
        return new BusMessage(Kind.HEARTBEAT, origin, "", List.of(), new long[0]);
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeByte(kind.ordinal());
            out.writeUTF(origin);
            out.writeUTF(cache);
            out.writeShort(names.size());
            for (int i = 0; i < names.size(); i++) {
                out.writeUTF(names.get(i));
            }
            out.writeShort(versions.length);
            for (long v : versions) {
                out.writeLong(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Parses a message.
     *
     * @throws IllegalArgumentException if the bytes are not a message of this format, or not a well-formed message of
     *                                  its kind ({@link #validated})
     */
    /**
     * The prefix of every message {@code origin} sends, up to its origin: what {@link #echoOf} compares, so that a node
     * skips its own invalidations coming back from the bus without decoding them.
     */
    static byte[] originPrefix(String origin) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream data = new java.io.DataOutputStream(out)) {
            data.writeByte(FORMAT);
            data.writeByte(0);   // the kind: not compared
            data.writeUTF(origin);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Whether {@code bytes} is a message of the node whose {@link #originPrefix} is {@code prefix}, other than a
     * heartbeat. No allocation. A message that is not well formed past the prefix is still one to skip: that node's own.
     */
    static boolean echoOf(byte[] bytes, byte[] prefix) {
        return bytes != null && bytes.length >= prefix.length && bytes[0] == prefix[0] && bytes[1] != Kind.HEARTBEAT.ordinal()
                && java.util.Arrays.equals(bytes, 2, prefix.length, prefix, 2, prefix.length);
    }

    public static BusMessage decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readUnsignedByte() != FORMAT) {
                throw new IllegalArgumentException("unknown bus message format");
            }
            int kind = in.readUnsignedByte();
            if (kind >= Kind.values().length) {
                throw new IllegalArgumentException("unknown bus message kind " + kind);
            }
            String origin = in.readUTF();
            String cache = in.readUTF();
            int count = in.readUnsignedShort();
            if (count > MAX_NAMES) {
                throw new IllegalArgumentException("too many names: " + count);
            }
            List<String> names = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                names.add(in.readUTF());
            }
            int versionCount = in.readUnsignedShort();
            if (versionCount > MAX_NAMES) {
                throw new IllegalArgumentException("too many versions: " + versionCount);
            }
            long[] versions = new long[versionCount];
            for (int i = 0; i < versionCount; i++) {
                versions[i] = in.readLong();
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("trailing bytes in bus message");
            }
            return validated(new BusMessage(Kind.values()[kind], origin, cache, List.copyOf(names), versions));
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated bus message", e);
        }
    }

    /**
     * A decoded message, checked against what its kind needs before anything uses it: a sender; KEYS a cache and at
     * least one key, no versions; TAGS no cache, at least one tag, one positive version per tag; ALL a cache, no
     * names, exactly one positive version; HEARTBEAT nothing else. Names are never empty. Whether a version is
     * plausible (not in the far future) is the receiver's to decide: it knows the remote clock.
     */
    static BusMessage validated(BusMessage m) {
        if (m.origin().isEmpty()) {
            throw new IllegalArgumentException("bus message without a sender");
        }
        switch (m.kind()) {
            case KEYS -> {
                require(!m.cache().isEmpty() && !m.names().isEmpty() && m.versions().length == 0, m, "a cache and keys, no versions");
            }
            case TAGS -> {
                require(m.cache().isEmpty() && !m.names().isEmpty() && m.versions().length == m.names().size(), m,
                        "tags with one version each, no cache");
            }
            case ALL -> {
                require(!m.cache().isEmpty() && m.names().isEmpty() && m.versions().length == 1, m, "a cache and one version");
            }
            case HEARTBEAT -> {
                require(m.cache().isEmpty() && m.names().isEmpty() && m.versions().length == 0, m, "nothing but its sender");
            }
            default -> throw new IllegalArgumentException("unknown bus message kind " + m.kind());
        }
        for (String name : m.names()) {
            require(!name.isEmpty(), m, "no empty names");
        }
        for (long v : m.versions()) {
            require(v > 0, m, "positive versions");
        }
        return m;
    }

    private static void require(boolean ok, BusMessage m, String needs) {
        if (!ok) {
            throw new IllegalArgumentException("malformed " + m.kind() + " bus message (" + m.names().size() + " names, "
                    + m.versions().length + " versions, " + (m.cache().isEmpty() ? "no cache" : "a cache") + "): it needs " + needs);
        }
    }
}
