package io.lamina.cache.tests.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material for servers the suite starts: a CA made for the run and a server certificate it signed for
 * {@code 127.0.0.1} and {@code localhost} (subject alternative names, so clients that verify the host name accept
 * it), made with {@code openssl} (EC P-256 keys: quick to make and to handshake with) in a directory of its own.
 *
 * <pre>{@code
 * RedisTls tls = RedisTls.shared();                        // one per JVM
 * OwnedRedisCluster cluster = OwnedRedisCluster.builder().tls(tls).start();
 * RedisTier.builder().cluster(cluster.seedUris()).trustedCertificates(tls.caCertificate());   // rediss:// seeds
 * }</pre>
 *
 * <p>A server started with it listens on TLS only ({@code port 0}, {@code tls-port}), does not ask clients for a
 * certificate, and speaks TLS to its primary, its cluster peers and (a sentinel) to the data nodes and the other
 * sentinels. Thread-safe.
 */
public final class RedisTls {

    private static final Object LOCK = new Object();
    private static RedisTls shared;   // guarded by LOCK

    private final Path dir;
    private final SSLSocketFactory sockets;

    private RedisTls(Path dir) {
        this.dir = dir;
        this.sockets = context(dir.resolve("ca.crt")).getSocketFactory();
    }

    /**
     * Whether TLS servers can be had here: {@code openssl} runs and the {@code redis-server} the suite uses knows
     * {@code tls-port} (Debian's does; the embedded binary may not). For {@code assumeTrue}.
     */
    public static boolean available() {
        try {
            if (run(Path.of(System.getProperty("java.io.tmpdir")), "openssl", "version") != 0) {
                return false;
            }
            Path binary = RedisServers.processBinary().path();
            Path probe = Files.createTempDirectory("lamina-tls-probe-");
            try {
                // a server with an unknown directive exits at once with an error; one built with TLS asks for the files
                Process p = new ProcessBuilder(binary.toString(), "--port", "0", "--tls-port", "0", "--save", "")
                        .directory(probe.toFile()).redirectErrorStream(true).start();
                p.getOutputStream().close();
                boolean exited = p.waitFor(5, TimeUnit.SECONDS);
                String out = new String(p.getInputStream().readNBytes(1 << 16), java.nio.charset.StandardCharsets.UTF_8);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return !(exited && out.contains("Bad directive"));
            } finally {
                probe.toFile().delete();
            }
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The JVM-wide material, made on first call.
     *
     * @throws IllegalStateException if openssl cannot make it
     */
    public static RedisTls shared() {
        synchronized (LOCK) {
            if (shared == null) {
                shared = create();
            }
            return shared;
        }
    }

    /**
     * New material in a new temporary directory: {@code ca.crt}/{@code ca.key}, and {@code server.crt}/{@code
     * server.key} for {@code IP:127.0.0.1, DNS:localhost}.
     *
     * @throws IllegalStateException if openssl is missing or fails
     */
    public static RedisTls create() {
        try {
            Path dir = Files.createTempDirectory("lamina-tls-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "lamina-tls-cleanup"));
            openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=Lamina Test CA");
            RedisTls tls = new RedisTls(dir);
            tls.certificate("server", "IP:127.0.0.1,DNS:localhost");
            return tls;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for TLS material", e);
        }
    }

    /**
     * Makes another certificate signed by this CA, {@code <name>.crt} and {@code <name>.key} beside the others, e.g.
     * one for another host name to check that clients verify it.
     *
     * @param subjectAltNames as openssl writes them, e.g. {@code DNS:wrong.example}
     * @return the certificate file (the key is beside it)
     */
    public Path certificate(String name, String subjectAltNames) {
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("certificate name must be letters, digits, '-' or '_', but was '" + name + "'");
        }
        try {
            Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + subjectAltNames + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + name);
        openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
        return dir.resolve(name + ".crt");
    }

    /** @return the CA certificate (PEM) that clients should trust */
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    /** @return the directory holding the files */
    public Path directory() {
        return dir;
    }

    /** @return sockets that trust the CA (no host-name check: for the suite's own health checks) */
    public SSLSocketFactory socketFactory() {
        return sockets;
    }

    /** @return an SSL context trusting the CA, for a test's own clients */
    public SSLContext sslContext() {
        return context(caCertificate());
    }

    /** @return trust managers holding the CA, for a test's own clients */
    public TrustManagerFactory trustManagerFactory() {
        try (InputStream in = Files.newInputStream(caCertificate())) {
            return trust(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test CA " + caCertificate() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The arguments that make a redis-server (or a sentinel) listen on {@code port} with TLS only and speak TLS to
     * its primary and peers (a cluster node adds {@code tls-cluster yes} for its bus).
     */
    List<String> serverArgs(int port) {
        return List.of("--port", "0", "--tls-port", String.valueOf(port),
                "--tls-cert-file", dir.resolve("server.crt").toString(),
                "--tls-key-file", dir.resolve("server.key").toString(),
                "--tls-ca-cert-file", caCertificate().toString(),
                "--tls-auth-clients", "no",
                "--tls-replication", "yes");
    }

    private static TrustManagerFactory trust(InputStream pem) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        return trust;
    }

    private static SSLContext context(Path caPem) {
        try (InputStream in = Files.newInputStream(caPem)) {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust(in).getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test CA " + caPem + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the directory and what it holds (at JVM exit: servers started with the files may run until then). */
    private static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }

    private static void openssl(Path dir, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        int code = run(dir, command);
        if (code != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed (exit " + code + ") in " + dir);
        }
    }

    private static int run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public String toString() {
        return "RedisTls[" + dir + "]";
    }
}
