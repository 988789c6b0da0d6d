package io.lamina.demo.tour;

import io.lamina.demo.catalog.CatalogService;
import io.lamina.demo.catalog.QueryCounter.Kind;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Batches: a page of products loaded id by id ({@code @Cached}, 100 calls) and in one go ({@code @CachedAll}, through
 * {@code rememberAll}), cold on node 1 and then from Redis on node 2. Prints the database queries and the calls into
 * the Redis tier (round trips on one Redis). Each page uses its own ids, invalidated first, so both start cold.
 */
final class BatchStep implements TourStep {

    static final int PAGE = 100;
    private static final long ONE_BY_ONE_FIRST = 1_801;
    private static final long BATCHED_FIRST = 1_901;

    @Override
    public String title() {
        return "Batches: a page of " + PAGE + " products, id by id and with rememberAll (@CachedAll)";
    }

    private static List<Long> ids(long first) {
        List<Long> ids = new ArrayList<>(PAGE);
        for (long id = first; id < first + PAGE; id++) {
            ids.add(id);
        }
        return ids;
    }

    /** One measured pass: queries, tier calls and time. */
    private record Pass(long queries, long calls, long nanos, int found) {
    }

    private interface Page {
        int load();
    }

    private static Pass measure(TourCluster cluster, Page page) {
        long queries = cluster.queries().count(Kind.PRODUCT) + cluster.queries().count(Kind.PAGE);
        long calls = cluster.tierCalls();
        long began = System.nanoTime();
        int found = page.load();
        return new Pass(cluster.queries().count(Kind.PRODUCT) + cluster.queries().count(Kind.PAGE) - queries,
                cluster.tierCalls() - calls, System.nanoTime() - began, found);
    }

    @Override
    public StepResult run(TourCluster cluster, PrintStream out) throws Exception {
        List<Long> oneByOne = ids(ONE_BY_ONE_FIRST);
        List<Long> batched = ids(BATCHED_FIRST);
        for (Long id : oneByOne) {
            cluster.node(0).cache().invalidate(CatalogService.PRODUCTS, id);
        }
        for (Long id : batched) {
            cluster.node(0).cache().invalidate(CatalogService.PRODUCTS, id);
        }
        CatalogService first = cluster.node(0).catalog();
        CatalogService second = cluster.node(1).catalog();

        Pass coldEach = measure(cluster, () -> (int) oneByOne.stream().filter(id -> first.product(id) != null).count());
        Pass l2Each = measure(cluster, () -> (int) oneByOne.stream().filter(id -> second.product(id) != null).count());
        Pass coldBatch = measure(cluster, () -> first.products(batched).size());
        Pass l2Batch = measure(cluster, () -> second.products(batched).size());
        Map<Long, ?> mixed = second.products(List.of(ONE_BY_ONE_FIRST, BATCHED_FIRST));   // the same entries either way

        Table table = new Table("page of " + PAGE, "node", "db queries", "Redis calls", "time");
        table.row("id by id, cold", "node-1", Table.count(coldEach.queries()), Table.count(coldEach.calls()), Table.millis(coldEach.nanos()));
        table.row("id by id, from Redis", "node-2", Table.count(l2Each.queries()), Table.count(l2Each.calls()), Table.millis(l2Each.nanos()));
        table.row("batched, cold", "node-1", Table.count(coldBatch.queries()), Table.count(coldBatch.calls()), Table.millis(coldBatch.nanos()));
        table.row("batched, from Redis", "node-2", Table.count(l2Batch.queries()), Table.count(l2Batch.calls()), Table.millis(l2Batch.nanos()));
        table.print(out);
        out.printf("   Redis calls are round trips on one Redis (a command, a script or an MGET; on a Cluster a batch is one per"
                + " slot group). @Cached and @CachedAll share the entries.%n");
        boolean held = coldBatch.queries() == 1 && l2Batch.queries() == 0 && coldBatch.found() == PAGE && l2Batch.found() == PAGE
                && coldEach.found() == PAGE && l2Each.found() == PAGE && mixed.size() == 2
                && (cluster.redis().isCluster() || (coldBatch.calls() <= 4 && l2Batch.calls() == 1));
        return StepResult.check("batch", "one db query per cold page, a constant number of Redis calls",
                coldBatch.queries() + " query and " + coldBatch.calls() + " Redis calls for a cold page (id by id: "
                        + coldEach.queries() + " and " + coldEach.calls() + ")", held);
    }
}
