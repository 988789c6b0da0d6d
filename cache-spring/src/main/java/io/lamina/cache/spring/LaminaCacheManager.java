package io.lamina.cache.spring;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.TypeRef;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * A Spring {@link CacheManager} over a {@link CacheTemplate}, so that existing {@code @Cacheable},
 * {@code @CachePut} and {@code @CacheEvict} code gets Lamina's two tiers, stampede protection and
 * coherence across nodes without changes.
 *
 * <pre>{@code
 * LaminaCacheManager.builder(cacheTemplate)
 *         .cache("products", Product.class)
 *         .cache("productLists", new TypeRef<List<Product>>() {})
 *         .build();
 * }</pre>
 *
 * <p><b>Typing.</b> Spring's {@code Cache.get(key)} names no type, and Lamina never takes a class name
 * from stored bytes. So every cache is declared with its value type, and every read of it decodes with that
 * type ({@code get(key, Class)} uses the requested class when it is more specific). An undeclared cache
 * name gets the {@link Builder#defaultType default type} when one is set; else {@link #getCache} returns
 * null and Spring reports the unknown cache. A default of {@code Object.class} decodes L2 hits as plain
 * JSON shapes (maps, lists, strings, numbers): fine for those, wrong for records and classes.
 *
 * <p><b>Mapping.</b> {@code get(key, Callable)} ({@code @Cacheable(sync = true)}) and
 * {@code retrieve(key, Supplier)} are {@code remember}/{@code rememberAsync}: single-flight per key across
 * JVMs. {@code put} is {@code put}, {@code evict} is {@code invalidate}, {@code clear} is
 * {@code invalidateAll} (all on every node). TTLs, null TTLs and the other options are the Lamina cache's.
 *
 * <p>Thread-safe.
 */
public final class LaminaCacheManager implements CacheManager {

    private final CacheTemplate template;
    private final TypeRef<Object> defaultType;
    private final Executor retrieveExecutor;
    private final Map<String, LaminaSpringCache> caches = new ConcurrentHashMap<>();

    private LaminaCacheManager(Builder b) {
        this.template = b.template;
        this.defaultType = b.defaultType;
        this.retrieveExecutor = b.retrieveExecutor;
        b.types.forEach((name, type) -> caches.put(name, new LaminaSpringCache(name, template, type, retrieveExecutor)));
    }

    /**
     * A builder of a manager over {@code template}.
     *
     * @throws NullPointerException if {@code template} is null
     */
    public static Builder builder(CacheTemplate template) {
        return new Builder(Objects.requireNonNull(template, "template"));
    }

    /** The declared cache, one made with the default type, or null when the name is unknown and there is no default type. */
    @Override
    public Cache getCache(String name) {
        LaminaSpringCache cache = caches.get(name);
        if (cache != null || defaultType == null || name == null || name.isBlank()) {
            return cache;
        }
        return caches.computeIfAbsent(name, n -> new LaminaSpringCache(n, template, defaultType, retrieveExecutor));
    }

    /** The declared caches and those made on demand so far. */
    @Override
    public Collection<String> getCacheNames() {
        return Collections.unmodifiableSet(caches.keySet());
    }

    /** Builds a {@link LaminaCacheManager}; not thread-safe. */
    public static final class Builder {
        private final CacheTemplate template;
        private final Map<String, TypeRef<Object>> types = new LinkedHashMap<>();
        private TypeRef<Object> defaultType;
        private Executor retrieveExecutor;

        private Builder(CacheTemplate template) {
            this.template = template;
        }

        /** Declares cache {@code name} with values of {@code type}. */
        public Builder cache(String name, Class<?> type) {
            return cache(name, (Type) type);
        }

        /** Declares cache {@code name} with values of a generic type. */
        public Builder cache(String name, TypeRef<?> type) {
            return cache(name, Objects.requireNonNull(type, "type").type());
        }

        /**
         * Declares cache {@code name} with values of {@code type}.
         *
         * @throws IllegalArgumentException if the name is blank
         */
        public Builder cache(String name, Type type) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            if (name.isBlank()) {
                throw new IllegalArgumentException("cache name must not be blank");
            }
            types.put(name, TypeRef.of(type));
            return this;
        }

        /** The type of caches used without being declared; unset (the default): such names are unknown. */
        public Builder defaultType(Class<?> type) {
            this.defaultType = TypeRef.of(Objects.requireNonNull(type, "defaultType"));
            return this;
        }

        /** As {@link #defaultType(Class)} for a generic type. */
        public Builder defaultType(TypeRef<?> type) {
            this.defaultType = TypeRef.of(Objects.requireNonNull(type, "defaultType").type());
            return this;
        }

        /** Where {@code Cache.retrieve(key)} runs its lookup; unset (the default): on the calling thread. */
        public Builder retrieveExecutor(Executor executor) {
            this.retrieveExecutor = Objects.requireNonNull(executor, "retrieveExecutor");
            return this;
        }

        public LaminaCacheManager build() {
            return new LaminaCacheManager(this);
        }
    }
}
