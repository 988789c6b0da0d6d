package io.lamina.demo.tour;

import io.lamina.demo.LaunchArgs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
     * @param console where the tables go (also written, with charts, to {@code target/lamina-demo-report.html}, or
     *                the file named by the system property {@code demo.report})
     * @return the report; {@link TourReport#passed()} tells whether every promise held
     * @throws RuntimeException if Redis or the nodes could not be started
     */
    public static TourReport run(TourOptions options, List<String> args, PrintStream console) {
        long began = System.nanoTime();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(console, text), true, StandardCharsets.UTF_8);
        List<Chart> charts;
        List<TourStep> steps = List.of(new PenetrationStep(1_000_000), new BreakdownStep(), new AvalancheStep(),
                new TagInvalidationStep(), new BatchStep(), new RedisOutageStep(), new HitRatioStep());
        List<StepResult> results = new ArrayList<>();
        try (TourCluster cluster = TourCluster.start(options, LaunchArgs.of(args), args.contains("--redis-cluster"))) {
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
            charts = cluster.charts();
        }
        TourReport report = new TourReport(results, System.nanoTime() - began);
        report.print(out);
        Path html = Path.of(System.getProperty("demo.report", "target/lamina-demo-report.html"));
        try {
            HtmlReport.write(html, report, charts, text.toString(StandardCharsets.UTF_8));
            console.println("   report with charts: " + html.toAbsolutePath().normalize());
        } catch (IOException e) {
            console.println("   (no HTML report: " + e + ")");
        }
        return report;
    }

    /** Writes to the console and keeps a copy for the HTML report. */
    private static final class Tee extends OutputStream {
        private final OutputStream console;
        private final OutputStream copy;

        Tee(OutputStream console, OutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            console.write(b);
            copy.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            console.write(b, off, len);
            copy.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            console.flush();
        }
    }
}
