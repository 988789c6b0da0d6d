package io.lamina.demo.tour;

import io.lamina.demo.LaunchArgs;
import io.lamina.demo.catalog.CatalogApplication;
import io.lamina.demo.catalog.CatalogSchema;
import io.lamina.demo.catalog.QueryCounter;
import io.lamina.demo.catalog.SimulatedLatency;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the tour runs on: one Redis, two nodes of the sample service in this process (two Spring Boot contexts,
 * each with its own CacheTemplate and Redis tier from {@code lamina.cache.redis.*}, in one namespace), one
 * database both nodes share, and the query counter and simulated latency of that database.
 */
final class TourCluster implements AutoCloseable {

    /** Products in the generated catalog; ids above are missing. */
    static final int PRODUCTS = 2_000;
    /** Cache of the avalanche step's baseline: the same TTL as {@code stock}, jitter only. */
    static final String STOCK_JITTER_ONLY = "stock-jitter-only";
    /** Cache of the avalanche step's baseline: the same TTL as {@code stock}, no defence at all. */
    static final String STOCK_PLAIN = "stock-plain";

    private final TourOptions options;
    private final TourRedis redis;
    private final QueryCounter queries = new QueryCounter();
    private final List<CountingTier> countingTiers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final SimulatedLatency latency;
    private final List<TourNode> nodes = new ArrayList<>();
    private final List<Chart> charts = new ArrayList<>();
    private final String databaseUrl;

    private TourCluster(TourOptions options, TourRedis redis, LaunchArgs args) {
        this.options = options;
        this.redis = redis;
        this.latency = new SimulatedLatency(options.queryLatency());
        this.databaseUrl = args.databaseUrl("H2 in memory (jdbc:h2:mem:lamina-demo)");
    }

    /**
     * Finds or starts Redis, starts both nodes and resets the catalog.
     *
     * @param options the tour's sizes
     * @param args    the user's arguments (a {@code --spring.datasource.url} picks the database)
     */
    static TourCluster start(TourOptions options, LaunchArgs args, boolean redisCluster) {
        TourRedis redis = redisCluster ? TourRedis.startCluster() : TourRedis.findOrStart();
        TourCluster cluster = new TourCluster(options, redis, args);
        try {
            // a fresh namespace per run: a shared REDIS_URL server never shows the tour an earlier run's keys
            String namespace = "lamina-demo-" + UUID.randomUUID().toString().substring(0, 8);
            redis.properties().forEach(args::set);
            args.set("lamina.cache.namespace", namespace)
                    .set("spring.main.web-application-type", "none")
                    .set("demo.catalog.seed-if-empty", "false")
                    // two nodes in one JVM: each its own registry, not both in Micrometer's global one
                    .set("management.metrics.use-global-registry", "false")
                    // the outage step counts Redis failures (CacheStats.l2Errors) instead of logging them
                    .set("logging.level.io.lamina.cache", "ERROR")
                    .set("logging.level.io.lettuce.core", "ERROR")
                    .set("logging.level.org.redisson", "ERROR")
                    .set("lamina.cache.caches." + STOCK_JITTER_ONLY + ".ttl", "2s")
                    .set("lamina.cache.caches." + STOCK_JITTER_ONLY + ".jitter", "2s")
                    .set("lamina.cache.caches." + STOCK_PLAIN + ".ttl", "2s")
                    .set("lamina.cache.caches." + STOCK_PLAIN + ".jitter", "0s");
            cluster.nodes.add(cluster.startNode("node-1", args));
            cluster.nodes.add(cluster.startNode("node-2", args));
            cluster.nodes.get(0).bean(CatalogSchema.class).reset(PRODUCTS);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private TourNode startNode(String name, LaunchArgs args) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(CatalogApplication.class)
                .initializers(ctx -> {
                    ctx.getBeanFactory().registerSingleton("queryCounter", queries);
                    ctx.getBeanFactory().registerSingleton("simulatedLatency", latency);
                    // the batch step counts the calls each node makes into its Redis tier
                    ctx.getBeanFactory().registerSingleton("tourCountingTier",
                            (io.lamina.cache.spring.boot.LaminaCacheTemplateCustomizer) builder -> {
                                io.lamina.cache.spi.RemoteTier tier = ctx.getBeanFactory()
                                        .getBeanProvider(io.lamina.cache.spi.RemoteTier.class).getIfUnique();
                                if (tier != null) {
                                    CountingTier counting = new CountingTier(tier);
                                    countingTiers.add(counting);
                                    builder.remote(counting);
                                }
                            });
                })
                .run(args.toArray());
        return new TourNode(name, context);
    }

    TourOptions options() {
        return options;
    }

    TourRedis redis() {
        return redis;
    }

    /** Calls both nodes made into their Redis tiers so far (see {@link CountingTier}). */
    long tierCalls() {
        return countingTiers.stream().mapToLong(CountingTier::calls).sum();
    }

    QueryCounter queries() {
        return queries;
    }

    SimulatedLatency latency() {
        return latency;
    }

    List<TourNode> nodes() {
        return nodes;
    }

    TourNode node(int index) {
        return nodes.get(index);
    }

    /** Keeps a series a step measured, for the HTML report. */
    void chart(Chart chart) {
        charts.add(chart);
    }

    List<Chart> charts() {
        return List.copyOf(charts);
    }

    String databaseUrl() {
        return databaseUrl;
    }

    @Override
    public void close() {
        for (TourNode node : nodes) {
            node.close();
        }
        redis.close();
    }
}
