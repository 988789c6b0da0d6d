package io.lamina.cache.spring.boot;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns a startup failure caused by an invalid Lamina setting into Boot's short "APPLICATION FAILED TO START" report
 * naming the property, instead of a long stack trace about a bean ({@code cacheManager}, {@code cacheTemplate}) the
 * application never declared. Recognizes the {@link IllegalArgumentException}s the auto-configuration throws, whose
 * message starts with the property ({@code lamina.cache.caches.products.ttl must be positive, got PT-1S}).
 * Registered in {@code META-INF/spring.factories}.
 */
public final class LaminaConfigurationFailureAnalyzer implements FailureAnalyzer {

    private static final String[] PREFIXES = { "lamina.cache.", "spring.data.redis." };

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IllegalArgumentException && t.getMessage() != null) {
                String message = t.getMessage();
                for (String prefix : PREFIXES) {
                    if (message.startsWith(prefix)) {
                        return analysis(message, t);
                    }
                }
            }
        }
        return null;
    }

    private static FailureAnalysis analysis(String message, Throwable cause) {
        int end = 0;
        while (end < message.length() && !Character.isWhitespace(message.charAt(end)) && message.charAt(end) != '=') {
            end++;
        }
        String property = message.substring(0, end);
        String problem = message.substring(end).trim();
        String description = "Invalid Lamina cache configuration:\n\n    Property: " + property + "\n    Problem:  "
                + problem;
        String action = "Update " + property + " in the application's configuration (application.properties or"
                + " application.yml, environment variables, ...), or remove it to use its default. docs/configuration.md"
                + " lists every lamina.cache.* option with its range.";
        return new FailureAnalysis(description, action, cause);
    }
}
