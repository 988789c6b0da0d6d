package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, finding 7, as an operator reads the logs: a failing Redis call about key {@code alice@example.com}, an
 * unreadable entry holding an SSN, and a key with line and bidi control characters. No line holds the key, the stored
 * value, or a raw control character.
 */
@RedisTest
@Timeout(60)
class SafeLogsIT {

    record Person(long id, int ssn) {
    }

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger("io.lamina.cache");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage() + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Nodes nodes;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        logger.addHandler(capture);
        nodes = new Nodes(redis, namespace + "-" + System.nanoTime());
    }

    @AfterEach
    void tearDown() {
        logger.removeHandler(capture);
        nodes.close();
    }

    @Test
    void aFailingRedisCall_logsADigestOfTheKey_notTheKey(@RedisNamespace String namespace) {
        try (CacheTemplate down = CacheTemplate.builder().namespace(namespace)
                .remote(RedisTier.builder().uri("redis://127.0.0.1:1").connectTimeout(Duration.ofMillis(200)).build()).build()) {
            assertThat(down.remember("users", "alice@example.com", String.class, () -> "Alice")).isEqualTo("Alice");
            assertThat(down.stats("users").l2Errors()).isPositive();
        }
        assertThat(lines).as("a warning was logged").anyMatch(l -> l.contains("remote tier"));
        assertThat(lines).noneMatch(l -> l.contains("alice@example.com"));
        assertThat(lines).anyMatch(l -> l.contains("key#="));
    }

    @Test
    void anUnreadableEntry_isLoggedWithoutItsValue() {
        CacheTemplate node = nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(1)).build());
        long now = System.currentTimeMillis();
        byte[] planted = new Envelope(now, now + 60_000, false, List.of("\u0001cache:people"), new long[] {1},
                "{\"id\":1,\"ssn\":\"SSN-078-05-1120\"}".getBytes(StandardCharsets.UTF_8)).encode();
        nodes.redis().set(Nodes.bytes(nodes.entryKey("people", "bob@example.com")), planted);

        assertThat(node.remember("people", "bob@example.com", Person.class, () -> new Person(1, 78051120))).isEqualTo(new Person(1, 78051120));

        assertThat(lines).noneMatch(l -> l.contains("SSN-078")).noneMatch(l -> l.contains("bob@example.com"));
    }

    @Test
    void controlAndBidiCharacters_inAKey_neverReachALineRaw(@RedisNamespace String namespace) {
        String key = "x\nWARNING: forged line\u2028\u202eevil";
        try (CacheTemplate down = CacheTemplate.builder().namespace(namespace)
                .remote(RedisTier.builder().uri("redis://127.0.0.1:1").connectTimeout(Duration.ofMillis(200)).build()).build()) {
            assertThat(down.remember("users", key, String.class, () -> "v")).isEqualTo("v");
        }
        assertThat(lines).isNotEmpty().noneMatch(l -> l.contains("\n") || l.contains("\u2028") || l.contains("\u202e"));
    }
}
