package io.lamina.cache.tests.faults;

import java.util.ArrayList;
import java.util.List;

/** What a fault test opened (proxies, templates, clients), closed in reverse order after each test. */
final class Closer implements AutoCloseable {

    private final List<AutoCloseable> open = new ArrayList<>();

    /** Registers {@code resource} to be closed; returns it. */
    <T extends AutoCloseable> T add(T resource) {
        open.add(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
    }
}
