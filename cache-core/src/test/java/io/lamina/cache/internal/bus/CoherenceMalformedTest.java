package io.lamina.cache.internal.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.lamina.cache.spi.InvalidationBus;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 14, finding 3: malformed bus messages are validated before use; nothing escapes into the bus's I/O thread. */
@Timeout(10)
class CoherenceMalformedTest {

    /** What the handler was asked to apply. */
    static final class Recording implements Coherence.Handler {
        final List<String> applied = new ArrayList<>();
        RuntimeException toThrow;

        @Override
        public void keys(String cache, List<String> formattedKeys) {
            applied.add("keys " + cache + " " + formattedKeys);
            if (toThrow != null) {
                throw toThrow;
            }
        }

        @Override
        public void tags(List<String> tags, long[] versions) {
            applied.add("tags " + tags + " " + Arrays.toString(versions));
            if (toThrow != null) {
                throw toThrow;
            }
        }

        @Override
        public void all(String cache, long version) {
            applied.add("all " + cache + " " + version);
            if (toThrow != null) {
                throw toThrow;
            }
        }

        @Override
        public void flush(String reason) {
            applied.add("flush");
        }

        @Override
        public void forgetTags() {
            applied.add("forgetTags");
        }
    }

    /** An in-process bus: only onMessage is driven here, by hand. */
    static final class NoBus implements InvalidationBus {
        @Override
        public void subscribe(String channel, Listener listener) {
        }

        @Override
        public CompletionStage<Void> publish(String channel, byte[] message) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void resubscribe() {
        }
    }

    /** Writes a message field by field, counts and versions as given (so they can lie). */
    static byte[] raw(int kind, String origin, String cache, List<String> names, long... versions) {
        return raw(kind, origin, cache, names, names.size(), versions.length, versions);
    }

    static byte[] raw(int kind, String origin, String cache, List<String> names, int nameCount, int versionCount, long... versions) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeByte(kind);
            out.writeUTF(origin);
            out.writeUTF(cache);
            out.writeShort(nameCount);
            for (String n : names) {
                out.writeUTF(n);
            }
            out.writeShort(versionCount);
            for (long v : versions) {
                out.writeLong(v);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    static final int KEYS = 0;
    static final int TAGS = 1;
    static final int ALL = 2;
    static final int HEARTBEAT = 3;

    static List<Object[]> malformed() {
        byte[] tags = raw(TAGS, "other", "", List.of("t"), 5L);
        return List.of(
                new Object[] {"ALL without a version", raw(ALL, "other", "products", List.of())},
                new Object[] {"ALL with two versions", raw(ALL, "other", "products", List.of(), 5L, 6L)},
                new Object[] {"ALL without a cache", raw(ALL, "other", "", List.of(), 5L)},
                new Object[] {"ALL with names", raw(ALL, "other", "products", List.of("x"), 5L)},
                new Object[] {"ALL with a negative version", raw(ALL, "other", "products", List.of(), -1L)},
                new Object[] {"ALL with version 0", raw(ALL, "other", "products", List.of(), 0L)},
                new Object[] {"ALL with Long.MIN_VALUE", raw(ALL, "other", "products", List.of(), Long.MIN_VALUE)},
                new Object[] {"TAGS with fewer versions than tags", raw(TAGS, "other", "", List.of("a", "b"), 5L)},
                new Object[] {"TAGS with more versions than tags", raw(TAGS, "other", "", List.of("a"), 5L, 6L)},
                new Object[] {"TAGS without tags", raw(TAGS, "other", "", List.of())},
                new Object[] {"TAGS with a cache", raw(TAGS, "other", "products", List.of("a"), 5L)},
                new Object[] {"TAGS with a negative version", raw(TAGS, "other", "", List.of("a"), -5L)},
                new Object[] {"TAGS with an empty tag", raw(TAGS, "other", "", List.of(""), 5L)},
                new Object[] {"TAGS truncated", Arrays.copyOf(tags, tags.length - 3)},
                new Object[] {"TAGS with a lying version count", raw(TAGS, "other", "", List.of("a"), 1, 3, 5L)},
                new Object[] {"TAGS with a lying name count", raw(TAGS, "other", "", List.of("a"), 2, 1, 5L)},
                new Object[] {"TAGS with trailing bytes", Arrays.copyOf(tags, tags.length + 4)},
                new Object[] {"KEYS with versions", raw(KEYS, "other", "products", List.of("k"), 5L)},
                new Object[] {"KEYS without keys", raw(KEYS, "other", "products", List.of())},
                new Object[] {"KEYS without a cache", raw(KEYS, "other", "", List.of("k"))},
                new Object[] {"no sender", raw(ALL, "", "products", List.of(), 5L)},
                new Object[] {"unknown kind", raw(9, "other", "products", List.of(), 5L)},
                new Object[] {"HEARTBEAT with names", raw(HEARTBEAT, "other", "", List.of("k"))},
                new Object[] {"empty", new byte[0]},
                new Object[] {"null", null});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedMessage_isDroppedBeforeUse_noExceptionEscapes(String what, byte[] bytes) {
        Recording handler = new Recording();
        Coherence coherence = new Coherence("ns", "me", new NoBus(), handler, Duration.ofSeconds(1));
        try {
            assertThatCode(() -> coherence.onMessage(bytes)).doesNotThrowAnyException();
            assertThat(handler.applied).isEmpty();
            assertThat(coherence.received()).isZero();

            // and the next well-formed message is applied as usual
            coherence.onMessage(BusMessage.all("other", "products", 7L).encode());
            assertThat(handler.applied).containsExactly("all products 7");
            assertThat(coherence.received()).isEqualTo(1);
        } finally {
            coherence.close();
        }
    }

    @Test
    void handlerFailure_isLoggedNotThrownIntoTheBusThread() {
        Recording handler = new Recording();
        handler.toThrow = new ArrayIndexOutOfBoundsException("boom");
        Coherence coherence = new Coherence("ns", "me", new NoBus(), handler, Duration.ofSeconds(1));
        try {
            for (int i = 0; i < 100; i++) {
                assertThatCode(() -> coherence.onMessage(BusMessage.all("other", "products", 7L).encode())).doesNotThrowAnyException();
            }
            assertThat(handler.applied).hasSize(100);
            assertThat(coherence.received()).isZero();   // counted as applied only when it was
        } finally {
            coherence.close();
        }
    }

    @Test
    void wellFormedMessages_roundTrip() {
        for (BusMessage m : List.of(BusMessage.keys("a", "c", List.of("k1", "k2")), BusMessage.tags("a", List.of("t"), new long[] {9}),
                BusMessage.all("a", "c", 3), BusMessage.heartbeat("a"))) {
            BusMessage back = BusMessage.decode(m.encode());
            assertThat(back.kind()).isEqualTo(m.kind());
            assertThat(back.names()).isEqualTo(m.names());
            assertThat(back.versions()).isEqualTo(m.versions());
        }
    }

    /**
     * A node's own invalidations come back to it from the bus: they are skipped before any decoding (issue 17: the
     * subscriber decoded each of them on the same cores as the callers), whatever their kind; its own heartbeat still ends
     * the gap, and a node whose id only starts with this one's is another node.
     */
    @Test
    void ownMessages_areSkippedUndecoded_ownHeartbeatStillEndsTheGap_aLongerIdIsAnotherNode() {
        Recording handler = new Recording();
        Coherence coherence = new Coherence("ns", "node-1", new NoBus(), handler, Duration.ofSeconds(1));
        try {
            coherence.onMessage(BusMessage.keys("node-1", "products", List.of("k")).encode());
            coherence.onMessage(BusMessage.tags("node-1", List.of("t"), new long[] {9}).encode());
            coherence.onMessage(BusMessage.all("node-1", "products", 3).encode());
            coherence.onMessage(raw(KEYS, "node-1", "products", List.of("k"), 5L));   // its own, malformed past the origin
            assertThat(handler.applied).isEmpty();
            assertThat(coherence.received()).isZero();
            assertThat(BusMessage.echoOf(BusMessage.keys("node-1", "products", List.of("k")).encode(),
                    BusMessage.originPrefix("node-1"))).isTrue();

            assertThat(coherence.healthy()).isFalse();
            coherence.onMessage(BusMessage.heartbeat("node-1").encode());
            assertThat(coherence.healthy()).isTrue();
            assertThat(handler.applied).containsExactly("flush");

            coherence.onMessage(BusMessage.keys("node-10", "products", List.of("k")).encode());
            coherence.onMessage(BusMessage.keys("node-", "products", List.of("k")).encode());
            assertThat(handler.applied).containsExactly("flush", "keys products [k]", "keys products [k]");
            assertThat(coherence.received()).isEqualTo(2);
        } finally {
            coherence.close();
        }
    }

    /**
     * A second disruption during a gap (Redis restarted again before this node's bus healed) forgets the tag versions
     * learned since the gap began, without another L1 flush: RedisRestartIT saw a node keep writing entries observing a
     * version from the Redis before the restart, which every other node rejected until the gap's end, 2-3 s.
     */
    @Test
    void aGapSignalDuringAGap_forgetsTheTagVersions_withoutAnotherFlush() {
        Recording handler = new Recording();
        Coherence coherence = new Coherence("ns", "me", new NoBus(), handler, Duration.ofSeconds(1));
        try {
            coherence.onGap("subscribed");                                  // a node starting up: its first subscription
            assertThat(handler.applied).as("nothing to forget yet").isEmpty();
            coherence.onMessage(BusMessage.heartbeat("me").encode());      // healthy: the start-up gap ends with a flush
            assertThat(handler.applied).containsExactly("flush");
            coherence.onGap("subscription lost");
            coherence.onGap("subscription lost again");
            assertThat(handler.applied).containsExactly("flush", "flush", "forgetTags");
            assertThat(coherence.healthy()).isFalse();
        } finally {
            coherence.close();
        }
    }
}
