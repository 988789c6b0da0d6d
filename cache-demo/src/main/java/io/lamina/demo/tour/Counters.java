package io.lamina.demo.tour;

import io.lamina.cache.CacheStats;
import java.util.List;

/**
 * A cache's counters summed over the tour's nodes, and the difference of two such snapshots (what happened
 * between them).
 *
 * @param requests  remember calls
 * @param l1Hits    answered by a node's L1
 * @param l2Hits    answered by Redis
 * @param misses    answered by neither: the caller waited for a load
 * @param loads     loader runs (each one a database query)
 * @param refreshes background refreshes started
 * @param l2Errors  Redis operations that failed and counted as misses
 */
record Counters(long requests, long l1Hits, long l2Hits, long misses, long loads, long refreshes, long l2Errors) {

    static Counters of(List<TourNode> nodes, String cache) {
        Counters sum = new Counters(0, 0, 0, 0, 0, 0, 0);
        for (TourNode node : nodes) {
            CacheStats s = node.stats(cache);
            sum = sum.plus(new Counters(s.requests(), s.l1Hits(), s.l2Hits(), s.misses(), s.loads(),
                    s.refreshesStarted(), s.l2Errors()));
        }
        return sum;
    }

    Counters plus(Counters o) {
        return new Counters(requests + o.requests, l1Hits + o.l1Hits, l2Hits + o.l2Hits, misses + o.misses,
                loads + o.loads, refreshes + o.refreshes, l2Errors + o.l2Errors);
    }

    Counters minus(Counters o) {
        return new Counters(requests - o.requests, l1Hits - o.l1Hits, l2Hits - o.l2Hits, misses - o.misses,
                loads - o.loads, refreshes - o.refreshes, l2Errors - o.l2Errors);
    }

    /** Hits of either tier over requests; 1.0 without requests. */
    double hitRatio() {
        return requests == 0 ? 1.0 : (double) (l1Hits + l2Hits) / requests;
    }
}
