package io.lamina.cache.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A page of a bulk call that was served whole from one read: each key's string form, the caller's key object and its
 * value ({@link io.lamina.cache.internal.l1.L1Entry#NULL} for null), side by side in the order of {@code source}, the
 * map of keys it was read for. It is the call's map of values by string form (read-only); the caller's result is built
 * from its arrays without a lookup per key when {@code source} is the call's own map of keys ({@link #servedFrom}).
 */
final class ServedPage extends AbstractMap<String, Object> {

    private final Map<String, Object> source;
    private final String[] formatted;
    private final Object[] keys;
    private final Object[] values;
    private Map<String, Object> index;

    ServedPage(Map<String, Object> source, String[] formatted, Object[] keys, Object[] values) {
        this.source = source;
        this.formatted = formatted;
        this.keys = keys;
        this.values = values;
    }

    /** Whether this page holds the keys of {@code keys}, in its order: the map it was read for. */
    boolean servedFrom(Map<String, Object> keys) {
        return source == keys;
    }

    int count() {
        return formatted.length;
    }

    /** The caller's key object at {@code i}. */
    Object key(int i) {
        return keys[i];
    }

    Object value(int i) {
        return values[i];
    }

    @Override
    public int size() {
        return formatted.length;
    }

    @Override
    public Object get(Object key) {
        if (index == null) {
            Map<String, Object> built = new HashMap<>((int) (formatted.length / 0.75f) + 1);
            for (int i = 0; i < formatted.length; i++) {
                built.put(formatted[i], values[i]);
            }
            index = built;
        }
        return index.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return formatted.length;
            }

            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < formatted.length;
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        if (next >= formatted.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(formatted[i], values[i]);
                    }
                };
            }
        };
    }
}
