package io.lamina.cache.tests.redis;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Kills a child process if this JVM dies without running its shutdown hooks (SIGKILL, a surefire
 * fork timeout, a crash), so no redis-server outlives the test run.
 *
 * <p>How: a tiny {@code /bin/sh} reads its stdin, a pipe whose write end only this JVM holds, until
 * end of file, which happens exactly when this JVM is gone; then it kills the child. When the child
 * is stopped the normal way, the watchdog is disarmed first. Without {@code /bin/sh} (Windows) there
 * is no watchdog and the shutdown hook alone applies.
 */
final class ProcessWatchdog {

    private static final Path SHELL = Path.of("/bin/sh");

    private final Process watcher;

    private ProcessWatchdog(Process watcher) {
        this.watcher = watcher;
    }

    /** Starts a watchdog for the process {@code pid}; never fails (without a shell, it does nothing). */
    static ProcessWatchdog watch(long pid) {
        if (!Files.isExecutable(SHELL)) {
            return new ProcessWatchdog(null);
        }
        try {
            Process watcher = new ProcessBuilder(SHELL.toString(), "-c",
                    "while read -r _; do :; done; kill -9 " + pid + " 2>/dev/null")
                    .redirectOutput(Redirect.DISCARD)
                    .redirectError(Redirect.DISCARD)
                    .start();
            return new ProcessWatchdog(watcher);
        } catch (IOException e) {
            return new ProcessWatchdog(null);
        }
    }

    /** Stops the watchdog without letting it kill anything; idempotent. */
    void disarm() {
        if (watcher == null) {
            return;
        }
        watcher.destroyForcibly();
        try {
            watcher.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
