package io.lamina.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spring Boot command-line properties ({@code --key=value}) assembled from the demo's own settings and the user's
 * arguments. The user wins: a key the user set is never set again (Boot would join duplicates with a comma).
 * Also maps {@code DEMO_JDBC_URL}, {@code DEMO_JDBC_USER} and {@code DEMO_JDBC_PASSWORD} to
 * {@code spring.datasource.*} unless given as arguments. Not thread-safe; build, then read.
 */
public final class LaunchArgs {

    private final Map<String, String> properties = new LinkedHashMap<>();
    private final List<String> userArgs = new ArrayList<>();
    private final Map<String, String> userProperties = new LinkedHashMap<>();

    private LaunchArgs(List<String> args) {
        for (String arg : args) {
            if (arg.startsWith("--") && arg.contains("=")) {
                int eq = arg.indexOf('=');
                userProperties.put(arg.substring(2, eq), arg.substring(eq + 1));
                userArgs.add(arg);
            }
        }
        env("DEMO_JDBC_URL", "spring.datasource.url");
        env("DEMO_JDBC_USER", "spring.datasource.username");
        env("DEMO_JDBC_PASSWORD", "spring.datasource.password");
    }

    /**
     * @param args the program's arguments; those of the form {@code --key=value} are kept, the rest ignored
     * @return the assembled arguments
     */
    public static LaunchArgs of(List<String> args) {
        return new LaunchArgs(args);
    }

    private void env(String variable, String key) {
        String value = System.getenv(variable);
        if (value != null && !value.isBlank()) {
            set(key, value.trim());
        }
    }

    /**
     * Sets a property unless the user gave it.
     *
     * @param key   a Spring property name
     * @param value its value
     * @return this
     */
    public LaunchArgs set(String key, String value) {
        if (!userProperties.containsKey(key)) {
            properties.put(key, value);
        }
        return this;
    }

    /**
     * @param key a Spring property name
     * @return the user's value, or the one set by {@link #set}, or null
     */
    public String get(String key) {
        return userProperties.getOrDefault(key, properties.get(key));
    }

    /** @return the arguments to hand to {@code SpringApplication.run} */
    public String[] toArray() {
        List<String> all = new ArrayList<>();
        properties.forEach((k, v) -> all.add("--" + k + "=" + v));
        all.addAll(userArgs);
        return all.toArray(String[]::new);
    }

    /** @return the database URL the nodes will use, for display (without credentials) */
    public String databaseUrl(String fallback) {
        String url = get("spring.datasource.url");
        if (url == null) {
            url = System.getenv("SPRING_DATASOURCE_URL");
        }
        return url == null ? fallback : url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
