package io.lamina.cache.tests.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.NodeStats;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What Prometheus really scrapes from a template with a remote tier is exactly the set of series the Grafana
 * dashboard in docs/ queries: no panel asks for a series that does not exist, and no meter is left off.
 */
@RedisTest
@Timeout(30)
class PrometheusNamesIT {

    private static final Pattern SERIES = Pattern.compile("\\b(?:lamina_)?cache_[a-z0-9_]+\\b");

    @Test
    void theScrapedSeries_areExactlyTheOnesTheDashboardQueries(RedisServer redis, @RedisNamespace String namespace)
            throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (CacheTemplate cache = CacheTemplate.builder().namespace(namespace).remote(RedisTier.create(redis.uri()))
                .cache("products").meterRegistry(registry, Tags.of("application", "shop")).build()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.nodeStats().busHealthy());
            cache.remember("products", 1, String.class, () -> "p1");

            Set<String> scraped = new TreeSet<>();
            for (String line : registry.scrape().split("\n")) {
                if (!line.startsWith("#") && (line.startsWith("cache_") || line.startsWith("lamina_cache_"))) {
                    scraped.add(line.split("[{ ]", 2)[0]);
                    assertThat(line).contains("application=\"shop\"").contains("namespace=\"" + namespace + "\"");
                }
            }
            Set<String> queried = new TreeSet<>();
            JsonNode dashboard = new ObjectMapper().readTree(Path.of("..", "docs", "grafana", "lamina-dashboard.json").toFile());
            for (JsonNode expr : dashboard.findValues("expr")) {
                Matcher m = SERIES.matcher(expr.asText());
                while (m.find()) {
                    queried.add(m.group());
                }
            }
            assertThat(scraped).contains("cache_gets_total", "lamina_cache_remote_breaker_state", "cache_load_duration_seconds_sum");
            // a timer's _count may be scraped without the dashboard needing both halves
            Set<String> missing = new TreeSet<>(scraped);
            missing.removeAll(queried);
            missing.removeIf(s -> s.endsWith("_seconds_count") && queried.contains(s.replace("_count", "_sum"))
                    || s.endsWith("_seconds_sum") && queried.contains(s.replace("_sum", "_count")));
            missing.removeIf(s -> s.endsWith("_seconds_max"));
            assertThat(missing).as("scraped but not on the dashboard").isEmpty();
            assertThat(queried).as("queried but never scraped").isSubsetOf(scraped);
            NodeStats node = cache.nodeStats();
            assertThat(node.remote()).isTrue();
        }
    }
}
