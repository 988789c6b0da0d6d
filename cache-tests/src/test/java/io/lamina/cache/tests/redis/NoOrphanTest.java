package io.lamina.cache.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JVM that started Redis servers does not leave them behind, whether it exits normally (shutdown
 * hook) or is killed with SIGKILL (the watchdog).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NoOrphanTest {

    /**
     * Child JVM: starts the shared and an owned server, prints their ports and sources, then waits for
     * a line (or the end) on stdin and exits normally, unless the parent kills it first.
     */
    public static void main(String[] args) throws Exception {
        RedisServer shared = RedisServers.shared();
        OwnedRedisServer owned = RedisServers.startOwned();
        System.out.println("PORTS " + shared.port() + " " + shared.source() + " " + owned.port() + " " + owned.source());
        System.out.flush();
        System.in.read();
        System.exit(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exit", "killed"})
    void serversOfAJvm_dieWithIt(String end) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, NoOrphanTest.class.getName())
                .redirectErrorStream(true)
                .start();
        try {
            String line;
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                StringBuilder seen = new StringBuilder();
                while ((line = out.readLine()) != null && !line.startsWith("PORTS ")) {
                    seen.append(line).append('\n');
                }
                assertThat(line).as("child output:\n%s", seen).isNotNull();
                List<String> parts = List.of(line.split(" "));
                int sharedPort = Integer.parseInt(parts.get(1));
                boolean sharedIsOurProcess = isProcess(parts.get(2));
                int ownedPort = Integer.parseInt(parts.get(3));
                assumeTrue(isProcess(parts.get(4)), "containers are reaped by Testcontainers' Ryuk, not by us");

                assertThat(Resp.ping(RedisProcess.HOST, ownedPort, Duration.ofSeconds(1))).isTrue();
                if (end.equals("killed")) {
                    child.destroyForcibly();
                } else {
                    child.getOutputStream().close();
                }
                assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();

                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                    assertThat(Resp.ping(RedisProcess.HOST, ownedPort, Duration.ofMillis(500))).isFalse();
                    if (sharedIsOurProcess) {
                        assertThat(Resp.ping(RedisProcess.HOST, sharedPort, Duration.ofMillis(500))).isFalse();
                    }
                });
            }
        } finally {
            child.destroyForcibly();
        }
    }

    private static boolean isProcess(String source) {
        return source.equals(RedisSource.PATH.name()) || source.equals(RedisSource.EMBEDDED.name());
    }
}
