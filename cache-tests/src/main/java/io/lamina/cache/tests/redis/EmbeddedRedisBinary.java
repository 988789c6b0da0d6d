package io.lamina.cache.tests.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.core.ExecutableProvider;

/**
 * The {@code redis-server} shipped inside the {@code com.github.codemonstur:embedded-redis} jar (Redis
 * 6.2.x; on Linux x86_64 it needs glibc and OpenSSL 3), extracted once per JVM into a temporary
 * directory that is deleted at exit. Only the binary is used: we start and stop it ourselves.
 */
final class EmbeddedRedisBinary {

    private static Path extracted;

    private EmbeddedRedisBinary() {
    }

    /** @return {@code true} if a binary for this OS and architecture can be extracted */
    static boolean isAvailable() {
        try {
            path();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * @return the path of the executable, extracted on first call
     * @throws IllegalStateException if the artifact has no binary for this OS and architecture, or it
     *                               cannot be written out
     */
    static synchronized Path path() {
        if (extracted == null || !Files.isExecutable(extracted)) {
            try {
                extracted = ExecutableProvider.newJarResourceProvider().get().toPath();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("embedded-redis has no usable redis-server for "
                        + System.getProperty("os.name") + " / " + System.getProperty("os.arch") + ": " + e, e);
            }
        }
        return extracted;
    }
}
