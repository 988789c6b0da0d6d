package io.lamina.cache.tests.l2.gadget;

/**
 * Stands for a deserialization gadget on the application's classpath: its initializer, constructor and setter have
 * effects, and each records in {@link GadgetEffects} that it ran (not in a field of its own: reading one would
 * initialize the class).
 */
public class Gadget {

    static {
        GadgetEffects.INITIALIZED.incrementAndGet();
    }

    public Gadget() {
        GadgetEffects.CONSTRUCTED.incrementAndGet();
    }

    public void setCommand(String command) {
        GadgetEffects.SET.incrementAndGet();
    }
}
