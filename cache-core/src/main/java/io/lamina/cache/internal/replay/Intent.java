package io.lamina.cache.internal.replay;

/**
 * One invalidation Redis did not take. Every intent only removes or outdates what Redis holds, never writes a
 * value, so a replay that runs late can cost a reload but can never bring an old value back over a newer one.
 *
 * @param kind what to invalidate
 * @param cache the cache ({@link Kind#KEY}, {@link Kind#ALL}); null for a tag
 * @param name the key in its string form ({@link Kind#KEY}) or the tag ({@link Kind#TAG}); null for {@link Kind#ALL}
 * @param version 0: Redis has not taken it; above 0: Redis took it (a tag or cache at this version; a key written, whatever
 *                the number) and only its announcement on the bus is left: a replay publishes it, without a new version
 *                or a removal
 */
public record Intent(Kind kind, String cache, String name, long version) {

    /** What an intent invalidates. */
    public enum Kind {
        /** One key of one cache (a failed {@code invalidate}, or a failed {@code put}: never replayed as the value). */
        KEY,
        /** A tag: every entry carrying it ({@code invalidateTags}). */
        TAG,
        /** A whole cache ({@code invalidateAll}): covers every key intent of the cache. */
        ALL
    }

    public static Intent key(String cache, String formattedKey) {
        return new Intent(Kind.KEY, cache, formattedKey, 0);
    }

    public static Intent tag(String tag) {
        return new Intent(Kind.TAG, null, tag, 0);
    }

    public static Intent all(String cache) {
        return new Intent(Kind.ALL, cache, null, 0);
    }

    /**
     * This intent, taken by Redis (a tag or cache at {@code version}; a key whatever {@code version} says) but not
     * announced on the bus: its replay only publishes. A tag or cache without a version stays as it is.
     */
    public Intent announcing(long version) {
        if (kind == Kind.KEY) {
            return announceOnly() ? this : new Intent(kind, cache, name, 1);
        }
        return version <= 0 ? this : new Intent(kind, cache, name, version);
    }

    /** Whether Redis already took this intent and only its bus message is left. */
    public boolean announceOnly() {
        return version > 0;
    }

    /** The de-duplication key: one queued intent per key, tag or cache. */
    String id() {
        return switch (kind) {
            case KEY -> "k\u0000" + cache + "\u0000" + name;
            case TAG -> "t\u0000" + name;
            case ALL -> "a\u0000" + cache;
        };
    }
}
