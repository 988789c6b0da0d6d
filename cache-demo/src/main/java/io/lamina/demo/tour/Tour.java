package io.lamina.demo.tour;

import io.lamina.demo.LaunchArgs;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The scripted walk-through: starts the cluster, runs each step, prints its table and whether its promise held,
 * and returns every step's result. A step that throws counts as failed, with the exception's message.
 */
public final class Tour {

    private Tour() {
    }

    /**
     * @param options the tour's sizes
     * @param args    {@code --key=value} Spring properties for both nodes (e.g. a PostgreSQL
     *                {@code --spring.datasource.url}); others are ignored
     * @param out     where the tables go
     * @return the report; {@link TourReport#passed()} tells whether every promise held
     * @throws RuntimeException if Redis or the nodes could not be started
     */
    public static TourReport run(TourOptions options, List<String> args, PrintStream out) {
        long began = System.nanoTime();
        List<TourStep> steps = List.of(new PenetrationStep(1_000_000), new BreakdownStep(), new AvalancheStep(),
                new TagInvalidationStep(), new RedisOutageStep(), new HitRatioStep());
        List<StepResult> results = new ArrayList<>();
        try (TourCluster cluster = TourCluster.start(options, LaunchArgs.of(args))) {
            out.println();
            out.println("Lamina demo tour (" + options.name() + "): a product catalog on two nodes");
            out.println("   Redis:    " + cluster.redis().describe());
            out.println("   database: " + cluster.databaseUrl() + ", every read takes "
                    + options.queryLatency().toMillis() + " ms more");
            out.println("   nodes:    2 Spring Boot contexts in this process, same namespace, own L1 each");
            int n = 1;
            for (TourStep step : steps) {
                out.println();
                out.println(n++ + ". " + step.title());
                StepResult result;
                try {
                    result = step.run(cluster, out);
                } catch (Exception e) {
                    result = new StepResult(step.getClass().getSimpleName(), "(the step did not finish)",
                            e.toString(), StepResult.Status.FAILED);
                }
                results.add(result);
                out.println("   -> " + result.status() + ": " + result.promise());
            }
        }
        TourReport report = new TourReport(results, System.nanoTime() - began);
        report.print(out);
        return report;
    }
}
