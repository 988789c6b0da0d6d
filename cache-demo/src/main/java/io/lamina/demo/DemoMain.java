package io.lamina.demo;

import io.lamina.demo.tour.StepResult;
import io.lamina.demo.tour.Tour;
import io.lamina.demo.tour.TourOptions;
import io.lamina.demo.tour.TourReport;
import java.util.Arrays;
import java.util.List;

/**
 * The demo's entry point (the README's run command).
 *
 * <ul>
 *   <li>no argument: the tour ({@link Tour}); exits 0 when every protection behaved, 1 otherwise;</li>
 *   <li>{@code --quick}: the same tour, smaller (what the test command runs);</li>
 *   <li>{@code --redis-cluster}: the tour on a Redis Cluster (6 nodes) it starts itself;</li>
 *   <li>{@code --serve}: one node of the sample service with its REST API and Actuator ({@link ServeMode}).</li>
 * </ul>
 * Other {@code --key=value} arguments are Spring properties, e.g.
 * {@code --spring.datasource.url=jdbc:postgresql://localhost:5432/shop} (or the env variable {@code DEMO_JDBC_URL}).
 */
public final class DemoMain {

    private DemoMain() {
    }

    /**
     * @param args see the class documentation
     */
    public static void main(String[] args) {
        List<String> list = Arrays.stream(args).filter(a -> !a.isBlank()).toList();
        if (list.contains("--serve")) {
            ServeMode.start(list);
            return;
        }
        TourOptions options = list.contains("--quick") ? TourOptions.quick() : TourOptions.full();
        TourReport report;
        try {
            report = Tour.run(options, list, System.out);
        } catch (RuntimeException e) {
            System.out.flush();
            System.err.println("The tour could not run: " + e);
            e.printStackTrace();
            System.exit(2);
            return;
        }
        System.out.flush();
        if (!report.passed()) {
            for (StepResult failure : report.failures()) {
                System.err.println("FAILED " + failure.step() + ": promised " + failure.promise() + ", but "
                        + failure.outcome());
            }
            System.exit(1);
        }
        System.exit(0);   // Lettuce, Redisson and the JDBC pool leave no reason to wait for their threads
    }
}
