package io.lamina.demo.tour;

import io.lamina.demo.catalog.CatalogService;
import io.lamina.demo.catalog.QueryCounter.Kind;
import java.io.PrintStream;
import java.util.List;

/**
 * Penetration: lookups of product ids that do not exist, spread over both nodes and several threads. Each
 * missing id's null is cached (in L1 and Redis, for the products cache's null TTL), so the queries are bounded by
 * the missing ids, not by the lookups. The step promises at most two per id and says so when it saw more than
 * one: DESIGN.md promises exactly one load per key per cluster, yet a cold JVM (the first concurrent loads after
 * startup) has been seen loading a few ids twice, on one node as well as on two.
 */
final class PenetrationStep implements TourStep {

    private static final int THREADS = 8;
    private final long firstMissingId;

    PenetrationStep(long firstMissingId) {
        this.firstMissingId = firstMissingId;
    }

    @Override
    public String title() {
        return "Penetration: lookups of product ids that do not exist (null caching)";
    }

    @Override
    public StepResult run(TourCluster cluster, PrintStream out) throws Exception {
        TourOptions o = cluster.options();
        int lookups = o.missingLookups();
        int ids = o.missingIds();
        Counters before = Counters.of(cluster.nodes(), CatalogService.PRODUCTS);
        long queriesBefore = cluster.queries().count(Kind.PRODUCT);
        long began = System.nanoTime();
        List<Integer> found = Parallel.run(THREADS, t -> () -> {
            int nonNull = 0;
            for (int i = t; i < lookups; i += THREADS) {
                CatalogService node = cluster.node(i % 2).catalog();
                if (node.product(firstMissingId + i % ids) != null) {
                    nonNull++;
                }
            }
            return nonNull;
        }, 60);
        long elapsed = System.nanoTime() - began;
        long queries = cluster.queries().count(Kind.PRODUCT) - queriesBefore;
        Counters c = Counters.of(cluster.nodes(), CatalogService.PRODUCTS).minus(before);
        int wronglyFound = found.stream().mapToInt(Integer::intValue).sum();

        new Table("lookups", "missing ids", "db queries", "nulls from L1", "nulls from L2", "L2 errors", "time")
                .row(Table.count(lookups), Table.count(ids), Table.count(queries), Table.count(c.l1Hits()),
                        Table.count(c.l2Hits()), Table.count(c.l2Errors()), Table.millis(elapsed))
                .print(out);
        out.printf("   without null caching every lookup is a query: %s queries instead of %s%n",
                Table.count(lookups), Table.count(queries));
        if (queries > ids) {
            out.printf("   note: %d more quer%s than missing ids: one load per id per cluster is the design;%n"
                    + "   a cold JVM has been seen loading a few ids twice, and this step shows when it does%n",
                    queries - ids, queries - ids == 1 ? "y" : "ies");
        }
        long bound = 2L * ids;   // bounded by the ids, whatever the lookups; see the class comment
        return StepResult.check("penetration", "db queries bounded by the missing ids (<= 2 per id)",
                Table.count(queries) + " queries for " + Table.count(lookups) + " lookups of " + ids + " ids",
                queries <= bound && wronglyFound == 0 && c.requests() == lookups);
    }
}
