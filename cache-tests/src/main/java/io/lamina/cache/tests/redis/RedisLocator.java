package io.lamina.cache.tests.redis;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Decides where a server comes from. Pure: what it looks at (the URL, the forced source, the PATH,
 * Docker) comes in as an {@link Environment}, and the costly checks run only when reached.
 */
final class RedisLocator {

    /**
     * What the decision depends on.
     *
     * @param redisUrl          {@code REDIS_URL}, or {@code null}
     * @param forced            the forced source, or empty
     * @param redisServerOnPath finds {@code redis-server} on the PATH
     * @param dockerAvailable   asks whether a Docker engine answers (may take seconds)
     * @param embeddedAvailable asks whether embedded-redis ships a binary for this OS and architecture
     */
    record Environment(String redisUrl, Optional<RedisSource> forced, Supplier<Optional<Path>> redisServerOnPath,
                       BooleanSupplier dockerAvailable, BooleanSupplier embeddedAvailable) {
    }

    private RedisLocator() {
    }

    /** The order of {@link RedisServers#shared()}: URL, PATH, TESTCONTAINERS, EMBEDDED. */
    static RedisSource forShared(Environment env) {
        if (env.forced().isPresent()) {
            return env.forced().get();
        }
        if (env.redisUrl() != null) {
            return RedisSource.URL;
        }
        if (env.redisServerOnPath().get().isPresent()) {
            return RedisSource.PATH;
        }
        if (env.dockerAvailable().getAsBoolean()) {
            return RedisSource.TESTCONTAINERS;
        }
        return RedisSource.EMBEDDED;
    }

    /**
     * The order of {@link RedisServers#startOwned()}: PATH, EMBEDDED, TESTCONTAINERS (Docker only where
     * embedded-redis ships no binary for this machine: a process of our own restarts faster).
     *
     * @throws IllegalStateException if {@code url} is forced: a server given by URL cannot be owned
     */
    static RedisSource forOwned(Environment env) {
        if (env.forced().isPresent()) {
            if (env.forced().get() == RedisSource.URL) {
                throw new IllegalStateException(RedisSettings.SOURCE_ENV + "=url, but a fault test needs a server it owns;"
                        + " a server given by " + RedisSettings.URL_ENV + " cannot be stopped or restarted");
            }
            return env.forced().get();
        }
        if (env.redisServerOnPath().get().isPresent()) {
            return RedisSource.PATH;
        }
        if (env.embeddedAvailable().getAsBoolean()) {
            return RedisSource.EMBEDDED;
        }
        return RedisSource.TESTCONTAINERS;
    }

    /** The first executable {@code name} in the directories of the {@code PATH} environment variable. */
    static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
