package io.lamina.demo.tour;

import io.lamina.demo.catalog.CatalogService;
import io.lamina.demo.catalog.Product;
import io.lamina.demo.catalog.QueryCounter.Kind;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Breakdown: hundreds of callers, half on each node, released together on one cold hot key whose query is slow.
 * Callers in one JVM share one load; across JVMs a per-key lock makes one node load while the other waits and
 * then reads Redis. The database sees exactly one query.
 */
final class BreakdownStep implements TourStep {

    private static final long HOT_ID = 777;

    @Override
    public String title() {
        return "Breakdown: a stampede on one cold hot key, across both nodes (single flight + lock)";
    }

    @Override
    public StepResult run(TourCluster cluster, PrintStream out) throws Exception {
        TourOptions o = cluster.options();
        int callers = o.stampedeCallers();
        cluster.node(0).cache().invalidate(CatalogService.PRODUCTS, HOT_ID);   // cold everywhere, whatever ran before
        Duration normal = cluster.latency().get();
        cluster.latency().set(o.stampedeLatency());
        List<Long> nanos;
        long queries;
        Counters[] before = {counters(cluster, 0), counters(cluster, 1)};
        try {
            long queriesBefore = cluster.queries().count(Kind.PRODUCT);
            nanos = Parallel.run(callers, i -> () -> {
                long began = System.nanoTime();
                Product p = cluster.node(i % 2).catalog().product(HOT_ID);
                if (p == null || p.id() != HOT_ID) {
                    throw new IllegalStateException("caller " + i + " got " + p);
                }
                return System.nanoTime() - began;
            }, 60);
            queries = cluster.queries().count(Kind.PRODUCT) - queriesBefore;
        } finally {
            cluster.latency().set(normal);
        }

        Table table = new Table("node", "callers", "L1 hits", "L2 hits", "waited for a load", "slowest call");
        for (int n = 0; n < 2; n++) {
            Counters c = counters(cluster, n).minus(before[n]);
            long slowest = 0;
            for (int i = n; i < nanos.size(); i += 2) {
                slowest = Math.max(slowest, nanos.get(i));
            }
            table.row(cluster.node(n).name(), Table.count(c.requests()), Table.count(c.l1Hits()),
                    Table.count(c.l2Hits()), Table.count(c.misses()), Table.millis(slowest));
        }
        table.print(out);
        out.printf("   db queries: %d (the query takes %d ms; every caller got product %d)%n", queries,
                o.stampedeLatency().toMillis(), HOT_ID);
        return StepResult.check("breakdown", "exactly 1 db query",
                queries + " quer" + (queries == 1 ? "y" : "ies") + " for " + callers + " concurrent callers",
                queries == 1);
    }

    private static Counters counters(TourCluster cluster, int node) {
        return Counters.of(List.of(cluster.node(node)), CatalogService.PRODUCTS);
    }
}
