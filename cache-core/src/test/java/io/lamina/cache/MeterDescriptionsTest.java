package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One description per meter name, describing the meter and not one of its tag values: Prometheus prints one HELP line
 * per metric family, taken from whichever series registered first.
 */
@Timeout(10)
class MeterDescriptionsTest {

    @Test
    void everyMeterName_hasOneDescription_andMultiResultMetersNameEveryResult() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CacheTemplate template = CacheTemplate.builder().namespace("shop").meterRegistry(registry).build()) {
            template.remember("products", 1, String.class, () -> "v");
            Map<String, Set<String>> descriptions = new HashMap<>();
            for (Meter meter : registry.getMeters()) {
                descriptions.computeIfAbsent(meter.getId().getName(), n -> new java.util.HashSet<>())
                        .add(String.valueOf(meter.getId().getDescription()));
            }
            descriptions.forEach((name, texts) -> assertThat(texts).as(name).hasSize(1));
            assertThat(only(descriptions, "cache.gets")).contains("hit").contains("miss");
            assertThat(only(descriptions, "cache.loads")).contains("success").contains("failure");
            assertThat(only(descriptions, "lamina.cache.tier.gets")).contains("l1").contains("l2");
            if (descriptions.containsKey("lamina.cache.invalidations")) {   // node meters: bound with a remote tier
                assertThat(only(descriptions, "lamina.cache.invalidations")).contains("sent").contains("received")
                        .contains("failed");
            }
            for (String name : List.of("cache.gets", "cache.loads")) {
                assertThat(only(descriptions, name)).doesNotStartWith("calls answered by neither");
            }
        }
    }

    private static String only(Map<String, Set<String>> descriptions, String name) {
        assertThat(descriptions).containsKey(name);
        return descriptions.get(name).iterator().next();
    }
}
