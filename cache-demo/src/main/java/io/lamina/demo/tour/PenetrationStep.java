package io.lamina.demo.tour;

import io.lamina.demo.catalog.CatalogService;
import io.lamina.demo.catalog.QueryCounter.Kind;
import java.io.PrintStream;
import java.util.List;

/**
 * Penetration: lookups of product ids that do not exist, spread over both nodes and several threads. Each
 * missing id's null is cached (in L1 and Redis, for the products cache's null TTL), so the queries are bounded by
 * the missing ids, not by the lookups: exactly one per id, DESIGN.md's one load per key per cluster, from the very
 * first lookups of two nodes just started.
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
        return StepResult.check("penetration", "exactly one db query per missing id",
                Table.count(queries) + " queries for " + Table.count(lookups) + " lookups of " + ids + " ids",
                queries == ids && wronglyFound == 0 && c.requests() == lookups);
    }
}
