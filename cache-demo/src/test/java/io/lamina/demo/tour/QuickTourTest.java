package io.lamina.demo.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's run command must not silently break: the test command runs the whole tour, in its quick form,
 * on real Redis and a real database, and every step's promise must hold.
 */
class QuickTourTest {

    @Test
    @Timeout(90)
    void quickTour_everyProtectionBehaves() {
        TourReport report = Tour.run(TourOptions.quick(), List.of(), System.out);

        assertThat(report.results()).extracting(StepResult::step)
                .containsExactly("penetration", "breakdown", "avalanche", "tags", "batch", "redis outage", "hit ratios");
        assertThat(report.failures()).as("steps whose promise did not hold").isEmpty();
        assertThat(report.elapsedNanos()).as("quick tour duration").isLessThan(30_000_000_000L);
    }
}
