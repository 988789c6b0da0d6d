package io.lamina.cache;

import java.util.concurrent.CompletionStage;

/**
 * An asynchronous loader for {@link CacheTemplate#rememberAsync}. It must not block: it returns a stage
 * that completes with the value (possibly {@code null}) or exceptionally. The context may be used until
 * the stage completes.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface AsyncLoader<V> {

    /** Starts loading the value. Returning {@code null} instead of a stage is a loader failure. */
    CompletionStage<V> load(LoadContext context);
}
