package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/monitoring.md and the Grafana dashboard name only meters that exist: every Prometheus series name they use
 * derives from a {@link LaminaMeterNames} constant (counters get {@code _total}, function timers
 * {@code _seconds_count} and {@code _seconds_sum}, gauges nothing), and the dashboard shows every meter.
 */
class MonitoringDocsTest {

    private static final Path DOCS = Path.of("..", "docs");
    private static final Pattern SERIES = Pattern.compile("\\b(?:lamina_)?cache_[a-z0-9_]+\\b");
    private static final Set<String> GAUGES = Set.of(LaminaMeterNames.SIZE, LaminaMeterNames.BUS_HEALTHY,
            LaminaMeterNames.BREAKER_STATE, LaminaMeterNames.LOCK_BREAKER_STATE, LaminaMeterNames.REPLAY_PENDING,
            LaminaMeterNames.OPEN_PATHS);
    private static final Set<String> TIMERS = Set.of(LaminaMeterNames.LOAD_DURATION, LaminaMeterNames.LOCK_WAIT_DURATION);

    /** Every Prometheus series name Lamina's meters produce. */
    static Set<String> knownSeries() throws IllegalAccessException {
        Set<String> series = new TreeSet<>();
        for (Field f : LaminaMeterNames.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getName().startsWith("TAG_") || f.getName().matches("TIER_L[12]")) {
                continue;
            }
            String meter = (String) f.get(null);
            String base = meter.replace('.', '_');
            if (GAUGES.contains(meter)) {
                series.add(base);
            } else if (TIMERS.contains(meter)) {
                series.add(base + "_seconds_count");
                series.add(base + "_seconds_sum");
            } else {
                series.add(base + "_total");
            }
        }
        return series;
    }

    private static Set<String> seriesIn(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = SERIES.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    @Test
    void theDashboard_queriesOnlyLaminasMeters_andShowsEveryOne() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DOCS.resolve("grafana/lamina-dashboard.json").toFile());
        Set<String> used = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            used.addAll(seriesIn(expr.asText()));
        }
        for (JsonNode query : dashboard.findValues("query")) {
            if (query.isTextual()) {
                used.addAll(seriesIn(query.asText()));
            } else if (query.has("query")) {
                used.addAll(seriesIn(query.get("query").asText()));
            }
        }
        Set<String> known = knownSeries();
        assertThat(used).isSubsetOf(known);
        // a timer's _sum may be shown without its _count and the other way round; each meter must appear
        for (String series : known) {
            String sibling = series.endsWith("_seconds_sum") ? series.replace("_sum", "_count")
                    : series.endsWith("_seconds_count") ? series.replace("_count", "_sum") : series;
            assertThat(used.contains(series) || used.contains(sibling)).as("the dashboard shows %s", series).isTrue();
        }
    }

    @Test
    void monitoringMd_namesOnlyLaminasMeters() throws IOException, IllegalAccessException {
        String text = Files.readString(DOCS.resolve("monitoring.md"));
        // Micrometer's own Caffeine binder name, mentioned as the one Lamina does not use
        Set<String> named = seriesIn(text);
        named.removeIf(s -> s.equals("cache_load_total"));
        assertThat(named).isSubsetOf(knownSeries());
    }
}
