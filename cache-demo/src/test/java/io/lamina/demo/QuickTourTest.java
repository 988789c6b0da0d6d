package io.lamina.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's run command must not silently break: the tour runs in the test command too. */
class QuickTourTest {

    @Test
    @Timeout(60)
    void tour_runsAndEveryStepBehaves() throws Exception {
        assertThat(QuickTour.run()).isTrue();
    }
}
