package io.lamina.cache.tests.redis;

import java.util.Locale;
import java.util.Optional;

/** Where a {@link RedisServer} comes from, in the order {@link RedisServers#shared()} tries them. */
public enum RedisSource {

    /** The {@code REDIS_URL} environment variable: someone else's server, used as is. */
    URL,

    /** A {@code redis-server} found on the {@code PATH}, started as our own process. */
    PATH,

    /** A Redis container started through Testcontainers on a Docker engine. */
    TESTCONTAINERS,

    /** The {@code redis-server} binary shipped inside the embedded-redis artifact, started as our own process. */
    EMBEDDED;

    /**
     * Parses a forced source as written in {@code lamina.redis.source} / {@code LAMINA_REDIS_SOURCE}.
     *
     * @param value {@code url}, {@code path}, {@code testcontainers} or {@code embedded} (any case);
     *              {@code null}, blank or {@code auto} mean "not forced"
     * @return the forced source, or empty when the usual order applies
     * @throws IllegalArgumentException for any other value, naming the accepted ones
     */
    public static Optional<RedisSource> parseForced(String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("auto")) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(value.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(RedisSettings.SOURCE_PROPERTY + " / " + RedisSettings.SOURCE_ENV
                    + " must be one of auto, url, path, testcontainers, embedded, but was '" + value + "'", e);
        }
    }
}
