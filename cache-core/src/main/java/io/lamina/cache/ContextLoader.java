package io.lamina.cache;

/**
 * A loader that may describe what it loaded through a {@link LoadContext}: the entry's tags and TTL.
 *
 * <pre>{@code
 * ctx -> {
 *     Product found = repository.find(id);
 *     if (found != null) ctx.tags("category:" + found.categoryId());
 *     return found;
 * }
 * }</pre>
 *
 * <p>Same contract as {@link Loader}; the context is valid only while {@code load} runs.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface ContextLoader<V> {

    /** Loads the value; may set tags and TTL on {@code context}. */
    V load(LoadContext context) throws Exception;
}
