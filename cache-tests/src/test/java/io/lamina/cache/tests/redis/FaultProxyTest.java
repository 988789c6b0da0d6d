package io.lamina.cache.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.tests.redis.FaultProxy.Direction;
import io.lamina.cache.tests.redis.FaultProxy.Mode;
import io.lamina.cache.tests.redis.FaultProxy.NewConnections;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each fault of the proxy, seen by a raw RESP client talking to a real Redis through it. Where a test
 * shows that nothing arrives, it reads with a short socket timeout: the only way to see an absence.
 */
@RedisTest
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FaultProxyTest {

    private static final Duration READ = Duration.ofSeconds(5);
    private static final Duration SILENCE = Duration.ofMillis(300);

    private final RedisServer redis;
    private FaultProxy proxy;

    FaultProxyTest(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void startProxy() {
        proxy = FaultProxy.start(redis.host(), redis.port());
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    private RespSocket client() throws IOException {
        return new RespSocket(proxy.host(), proxy.port(), READ);
    }

    private static String key(String name) {
        return "t-FaultProxyTest-" + name + "-" + System.nanoTime();
    }

    @Test
    void pass_forwardsBothWays_andCountsConnectionsBytesAndCommands() throws Exception {
        try (RespSocket client = client()) {
            int sent = client.send("PING") + client.send("PING") + client.send("ECHO", "hello");
            assertThat(client.read()).isEqualTo("PONG");
            assertThat(client.read()).isEqualTo("PONG");
            assertThat(client.read()).isEqualTo("hello");

            assertThat(proxy.connectionsAccepted()).isEqualTo(1);
            // the proxy counts a chunk just after writing it on: the server may have answered, and the client read the
            // answer, a moment before
            Waits.until(Duration.ofSeconds(5), "the proxy to count the requests",
                    () -> proxy.bytesForwarded(Direction.CLIENT_TO_SERVER) == sent ? null
                            : proxy.bytesForwarded(Direction.CLIENT_TO_SERVER) + " bytes counted", () -> "");
            assertThat(proxy.commandsReceived()).isEqualTo(3);
            assertThat(proxy.commandLog()).as("each command as text, in order").containsExactly("PING", "PING", "ECHO hello");
            long replies = "+PONG\r\n".length() * 2 + "$5\r\nhello\r\n".length();
            Waits.until(Duration.ofSeconds(5), "the proxy to count the replies",
                    () -> proxy.bytesForwarded(Direction.SERVER_TO_CLIENT) == replies ? null
                            : proxy.bytesForwarded(Direction.SERVER_TO_CLIENT) + " bytes counted", () -> "");
            assertThat(proxy.uri()).isEqualTo("redis://127.0.0.1:" + proxy.port());
        }
    }

    @Test
    void hold_keepsRequestsBack_andReleaseDeliversThemInOrder() throws Exception {
        String key = key("hold");
        try (RespSocket client = client()) {
            assertThat(client.send("PING")).isPositive();
            assertThat(client.read()).isEqualTo("PONG");
            long forwardedBefore = proxy.bytesForwarded(Direction.CLIENT_TO_SERVER);

            proxy.mode(Direction.CLIENT_TO_SERVER, Mode.HOLD);
            int sent = client.send("SET", key, "a") + client.send("APPEND", key, "b")
                    + client.send("APPEND", key, "c") + client.send("GET", key);
            await().atMost(READ).until(() -> proxy.bytesReceived(Direction.CLIENT_TO_SERVER) >= forwardedBefore + sent);
            assertThat(proxy.bytesForwarded(Direction.CLIENT_TO_SERVER)).isEqualTo(forwardedBefore);
            assertThat(new RespSocketProbe(redis).get(key)).isNull();

            proxy.release();
            assertThat(client.read()).isEqualTo("OK");
            assertThat(client.read()).isEqualTo("2");
            assertThat(client.read()).isEqualTo("3");
            assertThat(client.read()).isEqualTo("abc");
            assertThat(proxy.mode(Direction.CLIENT_TO_SERVER)).isEqualTo(Mode.PASS);
        }
    }

    @Test
    void drop_keepsTheConnectionOpen_butNothingArrives() throws Exception {
        String key = key("drop");
        try (RespSocket client = client()) {
            client.send("PING");
            assertThat(client.read()).isEqualTo("PONG");

            proxy.mode(Direction.CLIENT_TO_SERVER, Mode.DROP);
            long before = proxy.bytesReceived(Direction.CLIENT_TO_SERVER);
            client.send("SET", key, "lost");
            await().atMost(READ).until(() -> proxy.bytesReceived(Direction.CLIENT_TO_SERVER) > before);
            client.readTimeout(SILENCE);
            assertThatThrownBy(client::readByte).isInstanceOf(SocketTimeoutException.class);
            assertThat(new RespSocketProbe(redis).get(key)).isNull();
            assertThat(proxy.openConnections()).isEqualTo(1);

            proxy.mode(Direction.CLIENT_TO_SERVER, Mode.PASS);
            client.readTimeout(READ);
            client.send("PING");
            assertThat(client.read()).isEqualTo("PONG");
        }
    }

    @Test
    void latency_delaysEveryChunk_untilPassAgain() throws Exception {
        // long enough that a PING on a busy 2-core machine (one took 311 ms) still tells "delayed" from "passed"
        Duration delay = Duration.ofMillis(1_000);
        try (RespSocket client = client()) {
            proxy.mode(Direction.SERVER_TO_CLIENT, Mode.latency(delay));
            long began = System.nanoTime();
            client.send("PING");
            assertThat(client.read()).isEqualTo("PONG");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(delay);

            proxy.mode(Mode.PASS);
            began = System.nanoTime();
            client.send("PING");
            assertThat(client.read()).isEqualTo("PONG");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(delay);
        }
    }

    @Test
    void resetAll_makesTheClientSeeAReset() throws Exception {
        try (RespSocket client = client()) {
            client.send("PING");
            assertThat(client.read()).isEqualTo("PONG");

            proxy.resetAll();

            assertThatThrownBy(() -> {
                client.send("PING");
                client.read();
            }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            await().atMost(READ).until(() -> proxy.openConnections() == 0);
        }
    }

    @Test
    void closeAll_endsTheStreamInOrder() throws Exception {
        try (RespSocket client = client()) {
            client.send("PING");
            assertThat(client.read()).isEqualTo("PONG");

            proxy.closeAll();

            assertThat(client.readByte()).isEqualTo(-1);
        }
    }

    @Test
    void refusedNewConnections_areReset_whileOpenOnesWork() throws Exception {
        try (RespSocket open = client()) {
            open.send("PING");
            assertThat(open.read()).isEqualTo("PONG");

            proxy.newConnections(NewConnections.REFUSE);
            // the reset may come before connect() returns, or at the first read
            assertThatThrownBy(() -> {
                try (RespSocket refused = client()) {
                    refused.readByte();
                }
            }).isInstanceOf(SocketException.class);
            assertThat(proxy.connectionsRefused()).isEqualTo(1);
            open.send("PING");
            assertThat(open.read()).isEqualTo("PONG");
        }
    }

    @Test
    void silentlyDeadLinks_whileNewConnectionsWork_andBlackholedOnesHang() throws Exception {
        try (RespSocket old = client()) {
            old.send("PING");
            assertThat(old.read()).isEqualTo("PONG");

            proxy.established(Mode.DROP);
            try (RespSocket fresh = client()) {
                fresh.send("PING");
                assertThat(fresh.read()).isEqualTo("PONG");
            }
            old.send("PING");
            old.readTimeout(SILENCE);
            assertThatThrownBy(old::readByte).isInstanceOf(SocketTimeoutException.class);

            proxy.newConnections(NewConnections.BLACKHOLE);
            try (RespSocket hanging = new RespSocket(proxy.host(), proxy.port(), SILENCE)) {
                hanging.send("PING");
                assertThatThrownBy(hanging::readByte).isInstanceOf(SocketTimeoutException.class);
                assertThat(proxy.connectionsAccepted()).isEqualTo(3);
            }
        }
    }

    @Test
    void close_endsItsConnectionsAndThreads() throws Exception {
        try (RespSocket client = client()) {
            client.send("PING");
            assertThat(client.read()).isEqualTo("PONG");
            String prefix = "lamina-fault-proxy-" + proxy.port();

            proxy.close();

            assertThat(client.readByte()).isEqualTo(-1);
            await().atMost(READ).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith(prefix) && t.isAlive()));
            assertThatThrownBy(() -> new RespSocket(proxy.host(), proxy.port(), SILENCE))
                    .isInstanceOf(SocketException.class);
        }
    }

    /** Reads Redis directly, around the proxy. */
    private record RespSocketProbe(RedisServer redis) {
        String get(String key) throws IOException {
            return Resp.call(redis.host(), redis.port(), Duration.ofSeconds(2), "GET", key);
        }
    }
}
