package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} against a real TLS redis-server: a CA made for the test, a server certificate for
 * "localhost", and one for another host name to prove host-name verification is on. Needs openssl and a
 * redis-server built with TLS on the PATH (Debian's is); skipped where they are missing.
 */
@Timeout(60)
class TlsIT {

    @TempDir
    static Path dir;
    private static Process server;
    private static Process wrongNameServer;
    private static int port;
    private static int wrongNamePort;

    @BeforeAll
    static void startTlsRedis() throws Exception {
        assumeTrue(run("openssl", "version") == 0, "openssl is not on the PATH");
        assumeTrue(run("redis-server", "--version") == 0, "redis-server is not on the PATH");
        assertThat(run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "2", "-subj", "/CN=Lamina Test CA")).isZero();
        certificate("server", "DNS:localhost,IP:127.0.0.1");
        certificate("wrong", "DNS:wrong.example");
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

    private static void certificate(String name, String subjectAltNames) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + subjectAltNames + "\n");
        assertThat(run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + name)).isZero();
        assertThat(run("openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext")).isZero();
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

    private static int run(String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }
}
