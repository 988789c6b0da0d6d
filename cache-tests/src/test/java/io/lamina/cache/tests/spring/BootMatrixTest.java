package io.lamina.cache.tests.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/**
 * Which Boot and Lettuce a run of the Spring tests is on: each module of the matrix runs with the Lettuce its Boot line
 * manages, so the Boot 4.1 module must really run Lettuce 7 (which has no RedisURI.getUsername()).
 */
class BootMatrixTest {

    @Test
    void lettuceIsTheOneThisBootLineManages() {
        String boot = SpringBootVersion.getVersion();
        boolean lettuce7 = Arrays.stream(RedisURI.class.getMethods()).noneMatch(m -> m.getName().equals("getUsername"));
        System.out.println("Spring tests on Boot " + boot + " with Lettuce " + (lettuce7 ? "7.x" : "6.x") + " ("
                + RedisURI.class.getProtectionDomain().getCodeSource().getLocation() + ")");
        assertThat(boot).as("a supported Boot line").matches("(3\\.5|4\\.0|4\\.1)\\..*");
        assertThat(lettuce7).as("Lettuce 7 exactly under Boot 4.1").isEqualTo(boot.startsWith("4.1."));
    }
}
