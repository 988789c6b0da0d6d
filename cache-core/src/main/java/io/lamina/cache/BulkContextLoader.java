package io.lamina.cache;

import java.util.Map;
import java.util.Set;

/**
 * A {@link BulkLoader} that may set tags and TTLs per key through a {@link BulkLoadContext}:
 *
 * <pre>{@code
 * (missing, ctx) -> {
 *     Map<Long, Product> found = repository.findAll(missing);
 *     found.forEach((id, p) -> ctx.tags(id, "category:" + p.categoryId()));
 *     return found;
 * }
 * }</pre>
 *
 * <p>Same contract as {@link BulkLoader}; the context is valid only while {@code load} runs.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface BulkContextLoader<K, V> {

    /** Loads the values of {@code missing}; may set tags and TTLs of single keys on {@code context}. */
    Map<K, V> load(Set<K> missing, BulkLoadContext<K> context) throws Exception;
}
