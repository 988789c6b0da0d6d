package io.lamina.cache.tests.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Closes, at JVM exit, every owned server that is still open: the shared one and any that leaked. */
final class Reaper {

    private static final Set<OwnedRedisServer> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::closeAll, "lamina-redis-reaper"));
    }

    private Reaper() {
    }

    static void register(OwnedRedisServer server) {
        OPEN.add(server);
    }

    static void unregister(OwnedRedisServer server) {
        OPEN.remove(server);
    }

    /** Servers started and not yet closed, for tests. */
    static List<OwnedRedisServer> open() {
        return new ArrayList<>(OPEN);
    }

    private static void closeAll() {
        for (OwnedRedisServer server : open()) {
            try {
                server.close();
            } catch (RuntimeException e) {
                System.err.println("lamina: could not stop " + server + ": " + e);
            }
        }
    }
}
