package io.lamina.cache.spring;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The Reactor side of {@code @Cached} on {@code Mono} and {@code Flux} methods. Loaded only for such methods, so
 * Reactor stays an optional dependency: its types never appear in the signatures other classes link against.
 *
 * <p>Nothing here blocks: a lookup is a {@code CompletableFuture} from {@code rememberAsync} turned into a
 * {@code Mono}, and a load subscribes to the method's publisher through {@code toFuture()}.
 */
final class ReactorSupport {

    private ReactorSupport() {
    }

    /** A Mono that, on each subscription, asks {@code lookup} (a cached null is an empty Mono). */
    static Object mono(Supplier<CompletableFuture<Object>> lookup) {
        return Mono.fromFuture(lookup, true);
    }

    /** A Flux that, on each subscription, asks {@code lookup} for the cached list and replays it. */
    @SuppressWarnings("unchecked")
    static Object flux(Supplier<CompletableFuture<Object>> lookup) {
        return Mono.fromFuture(lookup, true).flatMapMany(list -> Flux.fromIterable((List<Object>) list));
    }

    /**
     * Subscribes to what a {@code Mono} (value or null when empty) or {@code Flux} (its collected list) method
     * returned; a null return or another type fails the future.
     */
    static CompletionStage<Object> load(Object returned, boolean flux, String method) {
        if (returned instanceof Mono<?> mono && !flux) {
            return mono.<Object>map(v -> v).toFuture();
        }
        if (returned instanceof Publisher<?> publisher && flux) {
            return Flux.from(publisher).collectList().<Object>map(l -> l).toFuture();
        }
        return CompletableFuture.failedFuture(new IllegalStateException(method + " returned "
                + (returned == null ? "null" : "a " + returned.getClass().getName()) + " instead of a " + (flux ? "Flux" : "Mono")));
    }

    /**
     * {@code returned} with {@code after} run once it completed: on the value of a Mono (null when empty), on
     * null after a Flux completed. {@code after} may do blocking I/O, so it runs on Reactor's bounded-elastic
     * scheduler, never on the thread that completed the publisher (possibly an event loop).
     */
    @SuppressWarnings("unchecked")
    static Object afterCompletion(Object returned, Consumer<Object> after) {
        if (returned instanceof Mono<?> mono) {
            return ((Mono<Object>) mono)
                    .flatMap(value -> run(() -> after.accept(value)).thenReturn(value))
                    .switchIfEmpty(Mono.defer(() -> run(() -> after.accept(null)).then(Mono.empty())));
        }
        if (returned instanceof Flux<?> flux) {
            return ((Flux<Object>) flux).concatWith(Mono.defer(() -> run(() -> after.accept(null)).then(Mono.empty())));
        }
        return returned;
    }

    private static Mono<Object> run(Runnable task) {
        return Mono.fromRunnable(task).subscribeOn(Schedulers.boundedElastic());
    }
}
