package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.FaultProxy;
import io.lamina.cache.tests.redis.RedisTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code rediss://} against a real TLS redis-server: a CA made for the test, a server certificate for
 * "localhost" and 127.0.0.1, and one for another host name to prove host-name verification is on (made by
 * {@link RedisTls}). Needs openssl and a redis-server built with TLS on the PATH (Debian's is); skipped where they
 * are missing.
 */
@Timeout(60)
class TlsIT {

    private static Path dir;
    private static Process server;
    private static Process wrongNameServer;
    private static int port;
    private static int wrongNamePort;

    @BeforeAll
    static void startTlsRedis() throws Exception {
        assumeTrue(RedisTls.available(), "openssl or a redis-server with TLS is missing");
        RedisTls tls = RedisTls.create();   // a CA, and "server" for localhost and 127.0.0.1
        dir = tls.directory();
        tls.certificate("wrong", "DNS:wrong.example");
        port = freePort();
        server = redis(port, "server");
        wrongNamePort = freePort();
        wrongNameServer = redis(wrongNamePort, "wrong");
        assumeTrue(answers(port) && answers(wrongNamePort), "redis-server did not start with TLS (built without it?)");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (Process p : new Process[] {server, wrongNameServer}) {
            if (p != null) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void rediss_withTheCaTrusted_storesAndReadsEntries() {
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(1)).build();
        try (CacheTemplate a = template("rediss://localhost:" + port, true, options);
             CacheTemplate b = template("rediss://localhost:" + port, true, options)) {
            // both links up first: a TLS handshake can outlast the 1 s connect timeout on a loaded machine (then retried)
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                a.put("warm", 1, "w");
                io.lamina.cache.CachedValue<String> seen = b.getIfPresent("warm", 1, String.class);
                return seen != null && "w".equals(seen.value());
            });
            AtomicInteger loads = new AtomicInteger();
            assertThat(a.remember("c", 1, String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
            assertThat(b.remember("c", 1, String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
            assertThat(loads).hasValue(1);
            assertThat(b.stats("c").l2Hits()).isEqualTo(1);
            assertThat(a.stats("c").l2Errors() + b.stats("c").l2Errors()).isZero();
        }
    }

    /**
     * A link with 200 ms each way: a command's round trip (400 ms) fits the 500 ms command timeout, but the TLS
     * handshake and HELLO take two round trips. The connection's set-up is bounded by the connect and the command
     * timeout together, not the command timeout alone, or the tier could never connect over TLS on such a link.
     */
    @Test
    void rediss_onALinkWhereTheHandshakeOutlastsOneCommandTimeout_stillConnects() {
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(1)).build();
        try (FaultProxy slow = FaultProxy.start("127.0.0.1", port).mode(FaultProxy.Mode.latency(Duration.ofMillis(200)));
             CacheTemplate a = CacheTemplate.builder().namespace("tls-slow").defaults(options)
                     .remote(RedisTier.builder().uri("rediss://127.0.0.1:" + slow.port()).trustedCertificates(dir.resolve("ca.crt"))
                             .commandTimeout(Duration.ofMillis(500)).connectTimeout(Duration.ofSeconds(1)).build()).build()) {
            try (CacheTemplate b = CacheTemplate.builder().namespace("tls-slow").defaults(options)
                    .remote(RedisTier.builder().uri("rediss://localhost:" + port).trustedCertificates(dir.resolve("ca.crt")).build()).build()) {
                // what the node behind the slow link puts, a node on a direct link reads from Redis
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> {
                    a.put("c", "k", "v");
                    io.lamina.cache.CachedValue<String> seen = b.getIfPresent("c", "k", String.class);
                    return seen != null && "v".equals(seen.value());
                });
            }
        }
    }

    @Test
    void rediss_whoseCertificateNamesAnotherHost_isRefused_andCallersGetMissesNotErrors() {
        try (CacheTemplate t = template("rediss://localhost:" + wrongNamePort, true, CacheOptions.inherit())) {
            assertThat(t.remember("c", 1, String.class, () -> "from the loader")).isEqualTo("from the loader");
            assertThat(t.stats("c").l2Errors()).isPositive();
            assertThat(t.stats("c").l2Hits()).isZero();
        }
    }

    @Test
    void rediss_withAnUntrustedCa_isRefused() {
        try (CacheTemplate t = template("rediss://localhost:" + port, false, CacheOptions.inherit())) {
            assertThat(t.remember("c", 1, String.class, () -> "from the loader")).isEqualTo("from the loader");
            assertThat(t.stats("c").l2Errors()).isPositive();
        }
    }

    private static CacheTemplate template(String uri, boolean trustCa, CacheOptions options) {
        RedisTier.Builder tier = RedisTier.builder().uri(uri).commandTimeout(Duration.ofSeconds(1)).connectTimeout(Duration.ofSeconds(1));
        if (trustCa) {
            tier.trustedCertificates(dir.resolve("ca.crt"));
        }
        return CacheTemplate.builder().namespace("tls").remote(tier.build()).defaults(options).build();
    }

    private static Process redis(int tlsPort, String cert) throws IOException {
        return new ProcessBuilder(List.of("redis-server", "--port", "0", "--bind", "127.0.0.1", "--tls-port", Integer.toString(tlsPort),
                "--tls-cert-file", cert + ".crt", "--tls-key-file", cert + ".key", "--tls-ca-cert-file", "ca.crt",
                "--tls-auth-clients", "no", "--save", "", "--appendonly", "no"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve(cert + ".log").toFile()).start();
    }

    private static boolean answers(int tlsPort) {
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(50))
                    .until(() -> {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress("127.0.0.1", tlsPort), 200);
                            return true;
                        } catch (IOException notYet) {
                            return false;
                        }
                    });
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
