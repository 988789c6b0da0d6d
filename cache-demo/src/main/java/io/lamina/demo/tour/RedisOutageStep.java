package io.lamina.demo.tour;

import static org.awaitility.Awaitility.await;

import io.lamina.demo.catalog.CatalogService;
import io.lamina.demo.catalog.Product;
import io.lamina.demo.catalog.QueryCounter.Kind;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Redis killed mid-tour (SIGKILL): both nodes keep answering every request from L1 and the database, with
 * latency bounded by the Redis timeouts and the circuit breaker, at most one query per key per node; when Redis
 * is back (empty), the nodes share it again without a restart. Skipped when the Redis came from REDIS_URL.
 */
final class RedisOutageStep implements TourStep {

    private static final long FIRST_COLD_ID = 1_500;
    private static final Duration SLOWEST_ALLOWED = Duration.ofSeconds(3);
    private static final Duration RECOVERY_WITHIN = Duration.ofSeconds(20);
    private static final Duration L1_ALONE_WITHIN = Duration.ofSeconds(5);
    private static final int THREADS = 8;

    @Override
    public String title() {
        return "Redis killed mid-tour: the service keeps answering, and recovers when Redis returns";
    }

    @Override
    public StepResult run(TourCluster cluster, PrintStream out) throws Exception {
        if (cluster.redis().isCluster()) {
            out.println("   skipped on a Redis Cluster: killing one primary costs only its shard, and its replica takes over;");
            out.println("   ClusterFailoverIT shows that under load (run the tour without --redis-cluster to see this step)");
            return new StepResult("redis outage", "keeps answering, recovers", "skipped: Redis Cluster",
                    StepResult.Status.SKIPPED);
        }
        if (!cluster.redis().canKill()) {
            out.println("   skipped: this Redis came from REDIS_URL (" + cluster.redis().describe() + "),");
            out.println("   and the tour does not kill a server it does not own (unset REDIS_URL to see this step)");
            return new StepResult("redis outage", "keeps answering, recovers", "skipped: Redis from REDIS_URL",
                    StepResult.Status.SKIPPED);
        }
        TourOptions o = cluster.options();
        int hot = o.outageHotKeys();
        int cold = o.outageColdKeys();
        for (long id = 1; id <= hot; id++) {
            cluster.node(0).catalog().product(id);
            cluster.node(1).catalog().product(id);
        }

        cluster.redis().kill();
        long killed = System.nanoTime();
        Pass hotPass = pass(cluster, 1, hot);
        Pass coldPass = pass(cluster, FIRST_COLD_ID, cold);
        // a node may flush its L1 once more when its heartbeat check notices the gap; passes go on until L1 alone
        // answers a whole pass (bounded)
        Pass[] again = {new Pass()};
        int[] passes = {0};
        boolean l1Answers = true;
        try {
            await().atMost(L1_ALONE_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> {
                Pass p = pass(cluster, 1, hot).plus(pass(cluster, FIRST_COLD_ID, cold));
                again[0] = again[0].plus(p);
                passes[0]++;
                return p.queries == 0;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            l1Answers = false;
        }
        long down = System.nanoTime() - killed;

        cluster.redis().bringBack();
        long back = System.nanoTime();
        AtomicLong probe = new AtomicLong(FIRST_COLD_ID + 100);
        boolean recovered = true;
        try {
            // a new key loaded on node-1 must be an L2 hit on node-2: both use Redis again
            await().atMost(RECOVERY_WITHIN).pollInterval(Duration.ofMillis(50)).until(() -> {
                long id = probe.incrementAndGet();
                long before = cluster.queries().count(Kind.PRODUCT);
                cluster.node(0).catalog().product(id);
                cluster.node(1).catalog().product(id);
                return cluster.queries().count(Kind.PRODUCT) - before == 1;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            recovered = false;
        }
        long recovery = System.nanoTime() - back;

        new Table("Redis down, both nodes read", "requests", "errors", "db queries", "Redis failures", "slowest")
                .row(hot + " ids cached before", Table.count(hotPass.requests), Table.count(hotPass.errors),
                        Table.count(hotPass.queries), Table.count(hotPass.l2Errors), Table.millis(hotPass.slowest))
                .row(cold + " ids never read", Table.count(coldPass.requests), Table.count(coldPass.errors),
                        Table.count(coldPass.queries), Table.count(coldPass.l2Errors), Table.millis(coldPass.slowest))
                .row("all again, " + passes[0] + (passes[0] == 1 ? " pass (*)" : " passes (*)"), Table.count(again[0].requests),
                        Table.count(again[0].errors), Table.count(again[0].queries), Table.count(again[0].l2Errors),
                        Table.millis(again[0].slowest))
                .print(out);
        out.println("   (*) until a whole pass costs no query: L1 alone answers. A node flushes its L1 when it notices");
        out.println("   its Redis connection dropped (invalidations may be lost then), so ids cost a query per node");
        out.println("   again first. Redis failures are counted misses, never errors to the caller.");
        out.printf("   Redis was down for %s; back (empty), and shared again by both nodes %s%n",
                Table.millis(down), recovered ? "after " + Table.millis(recovery) : "NOT within " + RECOVERY_WITHIN);
        long errors = hotPass.errors + coldPass.errors + again[0].errors;
        long slowest = Math.max(hotPass.slowest, Math.max(coldPass.slowest, again[0].slowest));
        // per id and node: one load after the disconnect flush, one more if the heartbeat check flushes again
        long maxQueries = 2L * 2 * (hot + cold);
        boolean held = errors == 0 && slowest <= SLOWEST_ALLOWED.toNanos() && l1Answers
                && hotPass.queries + coldPass.queries + again[0].queries <= maxQueries && recovered;
        return StepResult.check("redis outage", "no errors, bounded latency, L1 + db answer, recovers",
                errors + " errors, slowest " + Table.millis(slowest) + (recovered
                        ? ", recovered in " + Table.millis(recovery) : ", did not recover"), held);
    }

    /** Every id of the range read once on each node, by a few threads at once. */
    private static Pass pass(TourCluster cluster, long first, int count) throws Exception {
        long before = cluster.queries().count(Kind.PRODUCT);
        long errorsBefore = Counters.of(cluster.nodes(), CatalogService.PRODUCTS).l2Errors();
        List<Pass> parts = Parallel.run(THREADS, t -> () -> {
            Pass part = new Pass();
            for (int i = t; i < 2 * count; i += THREADS) {
                long id = first + i / 2;
                CatalogService node = cluster.node(i % 2).catalog();
                long began = System.nanoTime();
                try {
                    Product p = node.product(id);
                    if (p == null || p.id() != id) {
                        part.errors++;
                    }
                } catch (RuntimeException e) {
                    part.errors++;
                }
                part.slowest = Math.max(part.slowest, System.nanoTime() - began);
                part.requests++;
            }
            return part;
        }, 60);
        Pass total = new Pass();
        for (Pass part : parts) {
            total = total.plus(part);
        }
        total.queries = cluster.queries().count(Kind.PRODUCT) - before;
        total.l2Errors = Counters.of(cluster.nodes(), CatalogService.PRODUCTS).l2Errors() - errorsBefore;
        return total;
    }

    /** What one pass saw. */
    private static final class Pass {
        long requests;
        long errors;
        long queries;
        long l2Errors;
        long slowest;

        Pass plus(Pass o) {
            Pass sum = new Pass();
            sum.requests = requests + o.requests;
            sum.errors = errors + o.errors;
            sum.queries = queries + o.queries;
            sum.l2Errors = l2Errors + o.l2Errors;
            sum.slowest = Math.max(slowest, o.slowest);
            return sum;
        }
    }
}
