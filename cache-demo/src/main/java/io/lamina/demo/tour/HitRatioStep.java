package io.lamina.demo.tour;

import io.lamina.cache.CacheStats;
import io.lamina.demo.catalog.QueryCounter;
import java.io.PrintStream;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The end of the tour: each cache's hit ratios per tier on each node, from {@code CacheTemplate.stats(cache)},
 * and the queries the database received. L2 hit ratio is over the requests L1 missed. Checks that every
 * request is counted exactly once (an L1 hit, an L2 hit or a miss).
 */
final class HitRatioStep implements TourStep {

    @Override
    public String title() {
        return "Hit ratios per tier, per node (CacheTemplate.stats)";
    }

    @Override
    public StepResult run(TourCluster cluster, PrintStream out) {
        Table table = new Table("node / cache", "requests", "L1 hit", "L2 hit", "hit ratio", "loads", "L2 errors");
        boolean consistent = true;
        for (TourNode node : cluster.nodes()) {
            for (String cache : new TreeSet<>(node.cache().cacheNames())) {
                CacheStats s = node.stats(cache);
                if (s.requests() == 0) {
                    continue;
                }
                consistent &= s.l1Hits() + s.l2Hits() + s.misses() == s.requests();
                table.row(node.name() + " " + cache, Table.count(s.requests()), Table.percent(s.l1HitRatio()),
                        Table.percent(s.l2HitRatio()), Table.percent(s.hitRatio()), Table.count(s.loads()),
                        Table.count(s.l2Errors()));
            }
        }
        table.print(out);
        StringBuilder db = new StringBuilder("   database queries:");
        for (QueryCounter.Kind kind : QueryCounter.Kind.values()) {
            db.append(' ').append(kind.name().toLowerCase(Locale.ROOT)).append(' ')
                    .append(Table.count(cluster.queries().count(kind)));
        }
        out.println(db);
        return StepResult.check("hit ratios", "every request counted once per tier",
                "L1 + L2 hits + misses = requests on every cache: " + (consistent ? "yes" : "NO"), consistent);
    }
}
