package io.lamina.cache.tests.l2.gadget;

import java.util.concurrent.atomic.AtomicInteger;

/** What {@link Gadget} did: its static initializer, constructor and setter each count here. */
public final class GadgetEffects {

    public static final AtomicInteger INITIALIZED = new AtomicInteger();
    public static final AtomicInteger CONSTRUCTED = new AtomicInteger();
    public static final AtomicInteger SET = new AtomicInteger();

    private GadgetEffects() {
    }
}
