package io.lamina.cache.spring.boot;

import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Refuses a Lamina duration written without a unit ({@code lamina.cache.defaults.ttl=30}). Boot would read it as
 * milliseconds, which for a cache TTL is almost never what was meant; a startup failure naming the property is cheaper
 * than a cache that expires everything after 30 ms. Spring's own properties ({@code spring.data.redis.timeout}) keep
 * Boot's reading.
 */
final class BareDurations {

    /** The last element of every Duration property under lamina.cache. */
    private static final Set<String> DURATIONS = Set.of("ttl", "null-ttl", "jitter", "l1-ttl", "refresh-after",
            "fail-safe", "fail-safe-throttle", "soft-timeout", "hard-timeout", "lock-wait", "tag-ttl",
            "bus-check-interval", "connect-timeout", "command-timeout", "lock-lease");
    private static final Pattern BARE_NUMBER = Pattern.compile("\\s*[-+]?\\d+\\s*");
    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("lamina.cache");

    private BareDurations() {
    }

    /** @throws IllegalArgumentException naming the first lamina.cache.* duration that has no unit */
    static void check(Environment environment) {
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            for (ConfigurationPropertyName name : iterable) {
                if (!ROOT.isAncestorOf(name) || !DURATIONS.contains(name.getLastElement(ConfigurationPropertyName.Form.DASHED))) {
                    continue;
                }
                ConfigurationProperty property = source.getConfigurationProperty(name);
                Object value = property == null ? null : property.getValue();
                if (value != null && BARE_NUMBER.matcher(value.toString()).matches()) {
                    String n = value.toString().trim();
                    throw new IllegalArgumentException(name + "=" + n + " has no unit; write " + n + "s, " + n + "m or "
                            + n + "ms (Lamina refuses bare numbers for durations, which Boot would read as milliseconds)");
                }
            }
        }
    }
}
