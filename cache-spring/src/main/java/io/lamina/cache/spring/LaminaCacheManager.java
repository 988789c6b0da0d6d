package io.lamina.cache.spring;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.TypeRef;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanNameAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
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
 * null. A default of {@code Object.class} decodes L2 hits as plain JSON shapes (maps, lists, strings, numbers
 * as {@code Integer}, {@code Long} or {@code Double}): fine for those, wrong for records, classes and
 * {@code BigDecimal}. Declare generic types in full ({@code TypeRef<List<Product>>}, or
 * {@code java.util.List<com.example.Product>} in properties).
 *
 * <p><b>Startup check.</b> As a bean, once every singleton exists, the manager checks the Spring cache
 * annotations of the context's beans that resolve to it: a cache name it does not know (no declaration, no
 * default type), or a {@code @Cacheable} method returning a generic type ({@code List<Product>}) whose cache is
 * declared by the raw class ({@code List}), fails the startup with every such method named, instead of the
 * first call ("Cannot find cache") or a later read from Redis (maps instead of products). Turn it off with
 * {@link Builder#checkCacheNames(boolean)}.
 *
 * <p><b>Mapping.</b> {@code get(key, Callable)} ({@code @Cacheable(sync = true)}) and
 * {@code retrieve(key, Supplier)} are {@code remember}/{@code rememberAsync}: single-flight per key across
 * JVMs. {@code put} is {@code put}, {@code evict} is {@code invalidate}, {@code clear} is
 * {@code invalidateAll} (all on every node). TTLs, null TTLs and the other options are the Lamina cache's.
 *
 * <p>Thread-safe.
 */
public final class LaminaCacheManager implements CacheManager, BeanFactoryAware, BeanNameAware, SmartInitializingSingleton {

    private final CacheTemplate template;
    private final TypeRef<Object> defaultType;
    private final Executor retrieveExecutor;
    private final Map<String, LaminaSpringCache> caches = new ConcurrentHashMap<>();
    private final boolean checkCacheNames;
    private ListableBeanFactory beanFactory;
    private String beanName;

    private LaminaCacheManager(Builder b) {
        this.template = b.template;
        this.checkCacheNames = b.checkCacheNames;
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

    /** Called by Spring: the context whose cache annotations {@link #afterSingletonsInstantiated()} checks. */
    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory instanceof ListableBeanFactory l ? l : null;
    }

    /** Called by Spring: this manager's bean name, which {@code @Cacheable(cacheManager = ...)} may name. */
    @Override
    public void setBeanName(String name) {
        this.beanName = name;
    }

    /**
     * Called by Spring once every singleton exists: checks the cache names of the context's Spring cache
     * annotations (see the class comment).
     *
     * @throws IllegalStateException naming every method whose cache is unknown or declared with a raw generic type
     */
    @Override
    public void afterSingletonsInstantiated() {
        if (!checkCacheNames || beanFactory == null) {
            return;
        }
        List<String> problems = CacheNamesCheck.problems(beanFactory, this, beanName);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Lamina's CacheManager cannot serve these Spring cache annotations:\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    /** Builds a {@link LaminaCacheManager}; not thread-safe. */
    public static final class Builder {
        private final CacheTemplate template;
        private final Map<String, TypeRef<Object>> types = new LinkedHashMap<>();
        private TypeRef<Object> defaultType;
        private Executor retrieveExecutor;
        private boolean checkCacheNames = true;

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

        /**
         * Whether the manager, as a bean, checks at startup that the Spring cache annotations resolving to it name
         * caches it knows, with their full generic types. Default true.
         */
        public Builder checkCacheNames(boolean check) {
            this.checkCacheNames = check;
            return this;
        }

        public LaminaCacheManager build() {
            return new LaminaCacheManager(this);
        }
    }
}
