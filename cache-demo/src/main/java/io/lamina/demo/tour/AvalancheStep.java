package io.lamina.demo.tour;

import io.lamina.demo.catalog.QueryCounter.Kind;
import io.lamina.demo.catalog.StockService;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Avalanche: stock levels of many products loaded at one instant into three caches with the same 2 s TTL, then
 * steady traffic on both nodes while the keys turn over. A: the service's {@code stock} cache (jitter +
 * refresh-ahead); B: jitter only; C: neither. Without jitter the keys expire together and every reader waits on
 * the database at once; jitter spreads those loads out; refresh-ahead reloads keys in the background before they
 * expire, so callers keep hitting the cache.
 */
final class AvalancheStep implements TourStep {

    private static final String[] CACHES = {StockService.STOCK, TourCluster.STOCK_JITTER_ONLY, TourCluster.STOCK_PLAIN};
    private static final String[] LABELS = {"A jitter + refresh-ahead", "B jitter only", "C neither"};
    private static final double MIN_WINDOW_HIT_RATIO = 0.95;
    private static final int WARM_UP_THREADS = 32;

    @Override
    public String title() {
        return "Avalanche: keys loaded together, then turning over under traffic (jitter, refresh-ahead)";
    }

    @Override
    public StepResult run(TourCluster cluster, PrintStream out) throws Exception {
        TourOptions o = cluster.options();
        int keys = o.avalancheKeys();
        List<AvalancheTraffic.Read> readers = List.of(
                (n, key) -> cluster.node(n).stock().stock(key),
                (n, key) -> baseline(cluster, n, CACHES[1], key),
                (n, key) -> baseline(cluster, n, CACHES[2], key));
        Counters[] start = snapshot(cluster);
        long dbStart = cluster.queries().count(Kind.STOCK);

        // every key of every cache loaded at one instant, as after a deployment or a cold start
        Parallel.run(WARM_UP_THREADS, t -> () -> {
            for (int key = t + 1; key <= keys; key += WARM_UP_THREADS) {
                for (AvalancheTraffic.Read read : readers) {
                    read.read(0, key);
                }
            }
            return null;
        }, 60);

        AvalancheTraffic traffic = new AvalancheTraffic(readers, keys);
        Table table = new Table("time", "A hit", "A loads", "A waits", "B hit", "B loads", "B waits",
                "C hit", "C loads", "C waits");
        long window = o.avalancheWindow().toNanos();
        int windows = (int) (o.avalancheDuration().toNanos() / window);
        Counters[] previous = snapshot(cluster);
        Counters[] traffic0 = previous;
        double[] worst = {1.0, 1.0, 1.0};
        long[] peakLoads = new long[CACHES.length];
        List<String> xs = new ArrayList<>();
        double[][] waits = new double[CACHES.length][windows];
        double[][] dbLoads = new double[CACHES.length][windows];
        long began = System.nanoTime();
        traffic.start();
        try {
            for (int w = 1; w <= windows; w++) {
                long until = began + w * window;
                for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
                    LockSupport.parkNanos(left);   // the length of one table row, not a wait for an effect
                }
                Counters[] now = snapshot(cluster);
                Object[] row = new Object[1 + 3 * CACHES.length];
                row[0] = String.format(java.util.Locale.ROOT, "%.1f s", w * window / 1e9);
                xs.add((String) row[0]);
                for (int c = 0; c < CACHES.length; c++) {
                    Counters d = now[c].minus(previous[c]);
                    row[1 + 3 * c] = Table.percent(d.hitRatio());
                    row[2 + 3 * c] = Table.count(d.loads());
                    row[3 + 3 * c] = Table.count(d.misses());
                    peakLoads[c] = Math.max(peakLoads[c], d.loads());
                    waits[c][w - 1] = d.misses();
                    dbLoads[c][w - 1] = d.loads();
                }
                for (int c = 0; c < CACHES.length; c++) {
                    worst[c] = Math.min(worst[c], now[c].minus(previous[c]).hitRatio());
                }
                table.row(row);
                previous = now;
            }
        } finally {
            traffic.stop();
        }
        Counters[] end = snapshot(cluster);
        table.print(out);
        Map<String, double[]> waitSeries = new LinkedHashMap<>();
        Map<String, double[]> loadSeries = new LinkedHashMap<>();
        for (int c = 0; c < CACHES.length; c++) {
            waitSeries.put(LABELS[c], waits[c]);
            loadSeries.put(LABELS[c], dbLoads[c]);
        }
        cluster.chart(new Chart("Avalanche: callers who waited for the database, per row", "callers", xs, waitSeries));
        cluster.chart(new Chart("Avalanche: database loads per row (background refreshes included)", "loads", xs,
                loadSeries));
        out.printf("   A = %s (jitter + refresh-ahead), B = jitter only, C = neither; same 2 s TTL,"
                + " %d keys%n", CACHES[0], keys);
        out.println("   waits = callers who waited for the database; A's loads run in the background (refresh-ahead");
        out.println("   reloads hot keys early: more loads, no caller waiting)");
        Table totals = new Table("cache", "requests", "hit ratio", "db loads", "callers waited", "slowest call");
        for (int c = 0; c < CACHES.length; c++) {
            Counters d = end[c].minus(traffic0[c]);
            totals.row((char) ('A' + c) + " " + CACHES[c], Table.count(d.requests()), Table.percent(d.hitRatio()),
                    Table.count(d.loads()), Table.count(d.misses()), Table.millis(traffic.takeSlowest(c)));
        }
        totals.print(out);

        long dbQueries = cluster.queries().count(Kind.STOCK) - dbStart;
        long loads = 0;
        for (int c = 0; c < CACHES.length; c++) {
            loads += end[c].minus(start[c]).loads();
        }
        long turnedOver = end[0].minus(traffic0[0]).loads();
        out.printf("   stock queries the database received: %s (loader runs counted by the caches: %s)%n",
                Table.count(dbQueries), Table.count(loads));
        out.printf("   worst row: A %s, B %s, C %s; most loads in one row: A %d, B %d, C %d%n",
                Table.percent(worst[0]), Table.percent(worst[1]), Table.percent(worst[2]),
                peakLoads[0], peakLoads[1], peakLoads[2]);
        boolean held = worst[0] >= MIN_WINDOW_HIT_RATIO && turnedOver >= keys && worst[1] > worst[2]
                && traffic.errors() == 0 && dbQueries == loads;
        return StepResult.check("avalanche",
                "A >= 95 % hits in every row while all keys reload; B's worst row beats C's",
                String.format(java.util.Locale.ROOT, "worst rows A %.1f %%, B %.1f %%, C %.1f %%; A reloads %d",
                        100 * worst[0], 100 * worst[1], 100 * worst[2], turnedOver), held);
    }

    private static Integer baseline(TourCluster cluster, int node, String cache, long key) {
        TourNode n = cluster.node(node);
        return n.cache().remember(cache, key, Integer.class, () -> n.repository().findStock(key));
    }

    private static Counters[] snapshot(TourCluster cluster) {
        Counters[] all = new Counters[CACHES.length];
        for (int c = 0; c < CACHES.length; c++) {
            all[c] = Counters.of(cluster.nodes(), CACHES[c]);
        }
        return all;
    }

}
