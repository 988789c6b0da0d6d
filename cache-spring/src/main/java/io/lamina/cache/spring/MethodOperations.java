package io.lamina.cache.spring;

import io.lamina.cache.TypeRef;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import org.springframework.expression.Expression;

/**
 * What the Lamina annotations ask of one method of one bean class, with every expression parsed once.
 *
 * @param method      the most specific method (its parameter names feed the expressions)
 * @param description {@code com.x.ProductService.find(long)}, for messages
 * @param cached      the {@link Cached} operation, or null
 * @param cachedAll   the {@link CachedAll} operation, or null
 * @param invalidates the {@link Invalidate} operations
 * @param tags        the {@link InvalidateTags} operation, or null
 * @param reactive    whether the method returns a Reactor {@code Mono} or {@code Flux} (after-invocation work then
 *                    waits for its completion)
 */
record MethodOperations(Method method, String description, CachedOperation cached, CachedAllOperation cachedAll,
        List<InvalidateOperation> invalidates,
        TagsOperation tags, boolean reactive) {

    /** How a {@link Cached} method's return value relates to the cached value. */
    enum Kind {
        /** The return value is the cached value. */
        VALUE,
        /** {@code Optional<T>}: T is cached, empty as null. */
        OPTIONAL,
        /** {@code CompletableFuture<T>} / {@code CompletionStage<T>}: T is cached through rememberAsync. */
        ASYNC,
        /** {@code Mono<T>}: T is cached through rememberAsync, an empty Mono as null; needs Reactor. */
        MONO,
        /** {@code Flux<T>}: the collected {@code List<T>} is cached through rememberAsync and replayed; needs Reactor. */
        FLUX
    }

    /** {@link Cached}, parsed. Null expressions and durations mean "not given". */
    record CachedOperation(String cache, Expression key, Duration ttl, Duration nullTtl, List<Expression> tags,
            Expression condition, Expression unless, Kind kind, TypeRef<Object> type) {
    }

    /**
     * {@link CachedAll}, parsed: the index of the ids parameter, whether it is a {@code Set} (else a List is passed),
     * whether the method returns a List (else a Map), and the element type.
     */
    record CachedAllOperation(String cache, Expression key, Expression id, List<Expression> tags, Duration ttl, Duration nullTtl,
            int idsIndex,
            boolean setOfIds, boolean listResult, TypeRef<Object> type, Expression condition, Expression unless, Kind kind) {
    }

    /** One {@link Invalidate}, parsed; a null key means the default key. */
    record InvalidateOperation(String cache, Expression key, boolean beforeInvocation) {
    }

    /** {@link InvalidateTags}, parsed. */
    record TagsOperation(List<Expression> tags, boolean beforeInvocation) {
    }

    /** Whether the method has after-invocation work. */
    boolean invalidatesAfter() {
        return (tags != null && !tags.beforeInvocation()) || invalidates.stream().anyMatch(i -> !i.beforeInvocation());
    }
}
