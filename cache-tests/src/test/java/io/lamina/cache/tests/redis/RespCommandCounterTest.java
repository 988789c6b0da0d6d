package io.lamina.cache.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The proxy's command count: top-level RESP arrays and inline commands, however the bytes are cut. */
class RespCommandCounterTest {

    /** A value that looks like a command itself. */
    private static final String TRICKY = "*2\r\n$3\r\nxyz";
    private static final String PIPELINE = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + TRICKY.length() + "\r\n" + TRICKY + "\r\n"
            + "*1\r\n$4\r\nPING\r\n"
            + "PING\r\n"
            + "*2\r\n$3\r\nGET\r\n$0\r\n\r\n";

    @Test
    void feed_wholePipeline_countsEachCommandOnce_evenWithRespInsideValues() {
        RespCommandCounter counter = new RespCommandCounter();
        byte[] bytes = PIPELINE.getBytes(StandardCharsets.UTF_8);

        counter.feed(bytes, 0, bytes.length);

        assertThat(counter.commands()).isEqualTo(4);
    }

    @Test
    void feed_oneByteAtATime_countsTheSame() {
        RespCommandCounter counter = new RespCommandCounter();
        byte[] bytes = PIPELINE.getBytes(StandardCharsets.UTF_8);

        for (int i = 0; i < bytes.length; i++) {
            counter.feed(bytes, i, 1);
        }

        assertThat(counter.commands()).isEqualTo(4);
    }
}
