package io.lamina.cache.tests.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Docker detection is bounded, and without an engine the container source fails fast and clearly. */
class DockerProbeTest {

    @Test
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void probe_answersWithinItsDeadline_whateverTheMachine() {
        DockerProbe.isAvailable(Duration.ofSeconds(5));
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void testcontainersSource_withoutDocker_failsFastNamingDocker() {
        assumeFalse(DockerProbe.isAvailable(Duration.ofSeconds(5)), "a Docker engine answers here");
        assertThatThrownBy(() -> RedisServers.startOwned(RedisSource.TESTCONTAINERS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Docker engine");
    }
}
