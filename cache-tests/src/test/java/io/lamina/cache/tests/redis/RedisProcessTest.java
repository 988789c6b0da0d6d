package io.lamina.cache.tests.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A server that does not come up fails within its deadline, naming the binary and showing its log. */
@DisabledOnOs(OS.WINDOWS)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RedisProcessTest {

    @TempDir
    Path dir;

    @Test
    void start_binaryThatExits_failsWithItsNameExitCodeAndLog() throws Exception {
        Path binary = script("echo 'FATAL: cannot start, bad config' ; exit 3");

        assertThatThrownBy(() -> RedisProcess.start(binary, RedisSource.PATH, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(binary.toString())
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("FATAL: cannot start, bad config");
    }

    @Test
    void start_binaryThatNeverAnswers_failsAfterTheStartTimeout() throws Exception {
        Path binary = script("echo 'starting slowly' ; exec sleep 60");

        assertThatThrownBy(() -> RedisProcess.start(binary, RedisSource.PATH, Duration.ofMillis(500)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(binary.toString())
                .hasMessageContaining("did not answer PING")
                .hasMessageContaining("starting slowly");
    }

    private Path script(String body) throws Exception {
        Path script = dir.resolve("fake-redis-server");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}
