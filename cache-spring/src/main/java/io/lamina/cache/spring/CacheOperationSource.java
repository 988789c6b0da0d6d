package io.lamina.cache.spring;

import io.lamina.cache.TypeRef;
import io.lamina.cache.spring.MethodOperations.CachedOperation;
import io.lamina.cache.spring.MethodOperations.InvalidateOperation;
import io.lamina.cache.spring.MethodOperations.Kind;
import io.lamina.cache.spring.MethodOperations.TagsOperation;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.MethodClassKey;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds the Lamina annotations of a method (on the method, on the interface method it implements, or
 * inherited), parses and validates them once per method and bean class, and keeps the result.
 *
 * <p>The first question about a class validates every annotated method of it, so that a bad expression
 * fails the proxy's creation (application startup), not the first call of that method.
 */
final class CacheOperationSource {

    private static final Set<Class<? extends Annotation>> ANNOTATIONS =
            Set.of(Cached.class, CachedAll.class, Invalidate.class, Invalidate.List.class, InvalidateTags.class);

    static final String MONO = "reactor.core.publisher.Mono";
    static final String FLUX = "reactor.core.publisher.Flux";
    private static final String PUBLISHER = "org.reactivestreams.Publisher";
    private static final String FLOW_PUBLISHER = "java.util.concurrent.Flow$Publisher";
    private static final String KOTLIN_FLOW = "kotlinx.coroutines.flow.Flow";
    private static final String CONTINUATION = "kotlin.coroutines.Continuation";

    private static final MethodOperations NONE = new MethodOperations(null, "", null, null, List.of(), null, false);

    private final SpelExpressionParser parser = new SpelExpressionParser();
    private final Map<MethodClassKey, MethodOperations> operations = new ConcurrentHashMap<>();
    private final Set<Class<?>> validated = ConcurrentHashMap.newKeySet();

    /** Whether {@code type} may carry the annotations at all (false for JDK types). */
    boolean isCandidateClass(Class<?> type) {
        return AnnotationUtils.isCandidateClass(type, ANNOTATIONS);
    }

    /**
     * The operations of {@code method} called on a bean of {@code targetClass}, or null when it has none.
     *
     * @throws IllegalStateException if an annotation of the class is invalid
     */
    MethodOperations operations(Method method, Class<?> targetClass) {
        Class<?> type = targetClass != null ? targetClass : method.getDeclaringClass();
        if (!validated.contains(type)) {
            validate(type);
        }
        MethodOperations found = operations.computeIfAbsent(new MethodClassKey(method, type), k -> compute(method, type));
        return found == NONE ? null : found;
    }

    private void validate(Class<?> type) {
        UnproxyableMethods.warn(type);
        for (Method m : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
            if (!m.isBridge() && !m.isSynthetic() && !Modifier.isStatic(m.getModifiers())) {
                operations.computeIfAbsent(new MethodClassKey(m, type), k -> compute(m, type));
            }
        }
        validated.add(type);
    }

    private MethodOperations compute(Method method, Class<?> targetClass) {
        Method specific = BridgeMethodResolver.findBridgedMethod(AopUtils.getMostSpecificMethod(method, targetClass));
        Cached cached = AnnotatedElementUtils.findMergedAnnotation(specific, Cached.class);
        Set<Invalidate> invalidates = AnnotatedElementUtils.findMergedRepeatableAnnotations(specific, Invalidate.class);
        InvalidateTags tags = AnnotatedElementUtils.findMergedAnnotation(specific, InvalidateTags.class);
        CachedAll cachedAll = AnnotatedElementUtils.findMergedAnnotation(specific, CachedAll.class);
        if (cached == null && cachedAll == null && invalidates.isEmpty() && tags == null) {
            return NONE;
        }
        String description = describe(specific, targetClass);
        if (cached != null && cachedAll != null) {
            throw new IllegalStateException("@Cached and @CachedAll on " + description + ": use one of them");
        }
        return new MethodOperations(specific, description,
                cached == null ? null : cached(cached, specific, targetClass, description),
                cachedAll == null ? null : cachedAll(cachedAll, specific, targetClass, description),
                invalidates.stream().map(i -> invalidate(i, description)).toList(),
                tags == null ? null : tags(tags, description),
                isOrExtends(specific.getReturnType(), MONO) || isOrExtends(specific.getReturnType(), FLUX));
    }

    private CachedOperation cached(Cached a, Method method, Class<?> targetClass, String where) {
        String at = "@Cached on " + where;
        String cache = cacheName(a.cache(), at);
        Duration ttl = duration(a.ttl(), at, "ttl");
        Duration nullTtl = duration(a.nullTtl(), at, "nullTtl");
        Expression key = parse(a.key(), at, "key");
        List<Expression> tags = parseAll(a.tags(), at, "tag");
        Expression condition = parse(a.condition(), at, "condition");
        Expression unless = parse(a.unless(), at, "unless");

        refuseSuspend(method, at);
        ResolvableType returned = ResolvableType.forMethodReturnType(method, targetClass);
        Class<?> raw = returned.resolve();
        if (raw == null || raw == void.class || raw == Void.class) {
            throw new IllegalStateException(at + ": the method must return a value to cache");
        }
        Kind kind = Kind.VALUE;
        ResolvableType valueType = returned;
        if (raw == Optional.class) {
            kind = Kind.OPTIONAL;
            valueType = returned.getGeneric(0);
        } else if (CompletionStage.class.isAssignableFrom(raw)) {
            if (raw != CompletableFuture.class && raw != CompletionStage.class) {
                throw new IllegalStateException(at + ": an asynchronous result must be declared as CompletableFuture<T> or CompletionStage<T>, not "
                        + raw.getName());
            }
            kind = Kind.ASYNC;
            valueType = returned.as(CompletionStage.class).getGeneric(0);
        } else if (MONO.equals(raw.getName())) {
            kind = Kind.MONO;
            valueType = returned.getGeneric(0);
        } else if (FLUX.equals(raw.getName())) {
            kind = Kind.FLUX;
            valueType = ResolvableType.forClassWithGenerics(List.class, returned.getGeneric(0));
        } else {
            refuseUncacheable(raw, at);
        }
        Type type = concrete(valueType, at);
        return new CachedOperation(cache, key, ttl, nullTtl, tags, condition, unless, kind, TypeRef.of(type));
    }

    private MethodOperations.CachedAllOperation cachedAll(CachedAll a, Method method, Class<?> targetClass, String where) {
        String at = "@CachedAll on " + where;
        String cache = cacheName(a.cache(), at);
        Duration ttl = duration(a.ttl(), at, "ttl");
        Duration nullTtl = duration(a.nullTtl(), at, "nullTtl");
        Expression key = parse(a.key(), at, "key");
        Expression id = parse(a.id(), at, "id");
        List<Expression> tags = parseAll(a.tags(), at, "tag");
        int idsIndex = -1;
        Class<?>[] parameters = method.getParameterTypes();
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] == java.util.Collection.class || parameters[i] == List.class || parameters[i] == Set.class) {
                if (idsIndex >= 0) {
                    throw new IllegalStateException(at + ": more than one parameter is a Collection, List or Set of ids");
                }
                idsIndex = i;
            }
        }
        if (idsIndex < 0) {
            throw new IllegalStateException(at + ": the ids must be a parameter declared as Collection, List or Set");
        }
        Expression condition = parse(a.condition(), at, "condition");
        Expression unless = parse(a.unless(), at, "unless");
        refuseSuspend(method, at);
        ResolvableType returned = ResolvableType.forMethodReturnType(method, targetClass);
        Class<?> raw = returned.resolve();
        Kind kind = Kind.VALUE;
        ResolvableType shape = returned;
        if (raw != null && CompletionStage.class.isAssignableFrom(raw) && (raw == CompletableFuture.class || raw == CompletionStage.class)) {
            kind = Kind.ASYNC;
            shape = returned.as(CompletionStage.class).getGeneric(0);
        } else if (raw != null && MONO.equals(raw.getName())) {
            kind = Kind.MONO;
            shape = returned.getGeneric(0);
        } else if (raw != null && FLUX.equals(raw.getName())) {
            kind = Kind.FLUX;
            shape = ResolvableType.forClassWithGenerics(List.class, returned.getGeneric(0));
        }
        Class<?> shapeRaw = shape.resolve();
        ResolvableType valueType;
        boolean list;
        if (shapeRaw == Map.class) {
            list = false;
            valueType = shape.getGeneric(1);
        } else if (shapeRaw == List.class) {
            list = true;
            valueType = shape.getGeneric(0);
            if (id == null) {
                throw new IllegalStateException(at + ": a List or Flux result needs id, the expression that gives each element's id");
            }
        } else {
            throw new IllegalStateException(at + ": the method must return a Map<id, value> or a List<value>, a CompletableFuture,"
                    + " CompletionStage or Mono of one, or a Flux<value>; not " + returned);
        }
        Type type = concrete(valueType, at);
        return new MethodOperations.CachedAllOperation(cache, key, id, tags, ttl, nullTtl, idsIndex, parameters[idsIndex] == Set.class, list,
                TypeRef.of(type), condition, unless, kind);
    }

    /**
     * A Kotlin {@code suspend fun} compiles to a method whose last parameter is a {@code Continuation} and whose
     * return value is either the result or a suspension marker: caching that return value would be wrong.
     */
    private static void refuseSuspend(Method method, String at) {
        Class<?>[] parameters = method.getParameterTypes();
        if (parameters.length > 0 && CONTINUATION.equals(parameters[parameters.length - 1].getName())) {
            throw new IllegalStateException(at + ": Kotlin suspend functions are not supported by @Cached; return a Mono<T>"
                    + " (kotlinx-coroutines-reactor's mono { ... }) or a CompletableFuture<T>, or cache inside the function"
                    + " with CacheTemplate.rememberAsync");
        }
    }

    /** Results that are not values: one-shot or lazy sequences and publishers whose shape Lamina does not know. */
    private static void refuseUncacheable(Class<?> raw, String at) {
        String refused = null;
        if (java.util.stream.BaseStream.class.isAssignableFrom(raw) || java.util.Iterator.class.isAssignableFrom(raw)
                || java.util.Spliterator.class.isAssignableFrom(raw) || java.util.Enumeration.class.isAssignableFrom(raw)) {
            refused = "a one-shot sequence";
        } else if (java.util.concurrent.Future.class.isAssignableFrom(raw)) {
            refused = "a Future that is not a CompletableFuture";
        } else if (isOrExtends(raw, PUBLISHER) || isOrExtends(raw, KOTLIN_FLOW) || isOrExtends(raw, FLOW_PUBLISHER)) {
            refused = "a publisher that is not a Mono<T> or Flux<T>";
        }
        if (refused != null) {
            throw new IllegalStateException(at + ": its result type " + raw.getName() + " is " + refused
                    + " and cannot be cached; return a value, an Optional<T>, a List<T>, a CompletableFuture<T>, a Mono<T> or Flux<T>");
        }
    }

    /** Whether {@code type} is or extends the class or interface named {@code name} (by name: the library may be absent). */
    private static boolean isOrExtends(Class<?> type, String name) {
        if (type == null) {
            return false;
        }
        if (type.getName().equals(name)) {
            return true;
        }
        for (Class<?> i : type.getInterfaces()) {
            if (isOrExtends(i, name)) {
                return true;
            }
        }
        return isOrExtends(type.getSuperclass(), name);
    }

    private InvalidateOperation invalidate(Invalidate a, String where) {
        String at = "@Invalidate on " + where;
        return new InvalidateOperation(cacheName(a.cache(), at), parse(a.key(), at, "key"), a.beforeInvocation());
    }

    private TagsOperation tags(InvalidateTags a, String where) {
        String at = "@InvalidateTags on " + where;
        if (a.value().length == 0) {
            throw new IllegalStateException(at + ": no tag expression given");
        }
        List<Expression> tags = parseAll(a.value(), at, "tag");
        if (tags.size() != a.value().length) {
            throw new IllegalStateException(at + ": a tag expression is blank");
        }
        return new TagsOperation(tags, a.beforeInvocation());
    }

    private static String cacheName(String name, String at) {
        if (name == null || name.isBlank()) {
            throw new IllegalStateException(at + ": the cache name is blank");
        }
        return name;
    }

    private static Duration duration(String text, String at, String attribute) {
        try {
            return DurationStrings.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(at + ": " + attribute + ": " + e.getMessage(), e);
        }
    }

    private Expression parse(String text, String at, String attribute) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return parser.parseExpression(text);
        } catch (ParseException | IllegalStateException e) {
            throw new IllegalStateException(at + ": cannot parse " + attribute + " '" + text + "': " + e.getMessage(), e);
        }
    }

    private List<Expression> parseAll(String[] texts, String at, String attribute) {
        List<Expression> parsed = new ArrayList<>(texts.length);
        for (String text : texts) {
            Expression e = parse(text, at, attribute);
            if (e != null) {
                parsed.add(e);
            }
        }
        return List.copyOf(parsed);
    }

    /** {@code type} with every type variable resolved, or an error naming the method. */
    private static Type concrete(ResolvableType type, String at) {
        Class<?> raw = type.resolve();
        if (raw == null) {
            throw new IllegalStateException(at + ": cannot resolve the cached type " + type
                    + " against the bean class; declare a concrete return type");
        }
        if (!type.hasGenerics() || raw.isArray()) {
            return ClassUtils.resolvePrimitiveIfNecessary(raw);
        }
        ResolvableType[] generics = type.getGenerics();
        Type[] arguments = new Type[generics.length];
        for (int i = 0; i < generics.length; i++) {
            arguments[i] = concrete(generics[i], at);
        }
        return new ParameterizedTypeOf(raw, arguments);
    }

    private static String describe(Method method, Class<?> targetClass) {
        return ClassUtils.getUserClass(targetClass).getName() + "." + method.getName()
                + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
    }
}
