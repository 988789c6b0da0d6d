package io.lamina.cache.spi.gadget;

/**
 * Stands for a deserialization gadget: a class on the classpath, outside any allowed package or base type, whose
 * initializer, constructor and setter have effects. Each records in {@link GadgetEffects} that it ran (not in a field
 * of its own: reading one would initialize the class).
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
