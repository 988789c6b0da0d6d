package io.lamina.cache.internal.tag;

/**
 * The current version of one tag in this JVM. An entry remembers the versions of its tags when it was
 * filled; it is valid while every one of them is still current. Read on every L1 hit of a tagged entry,
 * so it is a single volatile field.
 */
public final class TagVersion {

    private final String tag;
    private volatile long version;

    TagVersion(String tag, long version) {
        this.tag = tag;
        this.version = version;
    }

    public String tag() {
        return tag;
    }

    public long version() {
        return version;
    }

    /** Raises the version; a version never goes down. */
    void advanceTo(long newVersion) {
        synchronized (this) {
            if (newVersion > version) {
                version = newVersion;
            }
        }
    }

    @Override
    public String toString() {
        return tag + "@" + version;
    }
}
