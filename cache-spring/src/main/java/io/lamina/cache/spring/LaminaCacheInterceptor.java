package io.lamina.cache.spring;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.LoadContext;
import io.lamina.cache.spring.MethodOperations.CachedOperation;
import io.lamina.cache.spring.MethodOperations.InvalidateOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.util.ClassUtils;

/**
 * Applies {@link Cached}, {@link Invalidate} and {@link InvalidateTags} around a call, through a
 * {@link CacheTemplate}. Thread-safe; holds no per-call state.
 */
final class LaminaCacheInterceptor implements MethodInterceptor {

    private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

    private final CacheOperationSource source;
    private final Supplier<? extends CacheTemplate> templates;
    private static final boolean TRANSACTIONS = ClassUtils.isPresent(
            "org.springframework.transaction.support.TransactionSynchronizationManager", LaminaCacheInterceptor.class.getClassLoader());

    private volatile CacheTemplate template;
    private volatile BeanFactory beanFactory;
    private volatile TransactionMode transactionMode = TransactionMode.BOTH;

    LaminaCacheInterceptor(CacheOperationSource source, Supplier<? extends CacheTemplate> templates) {
        this.source = source;
        this.templates = templates;
    }

    void beanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    void transactionMode(TransactionMode mode) {
        this.transactionMode = mode;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Class<?> targetClass = target != null ? AopUtils.getTargetClass(target) : invocation.getMethod().getDeclaringClass();
        MethodOperations ops = source.operations(invocation.getMethod(), targetClass);
        if (ops == null) {
            return invocation.proceed();
        }
        Call call = new Call(ops, invocation, target, targetClass);
        call.invalidate(true, null);
        Object returned;
        CachedOperation cached = ops.cached();
        if (ops.cachedAll() != null && call.condition(ops.cachedAll().condition())) {
            returned = call.rememberAll(ops.cachedAll());
        } else if (cached != null && call.condition(cached.condition())) {
            returned = switch (cached.kind()) {
                case VALUE -> call.remember(cached);
                case OPTIONAL -> Optional.ofNullable(call.remember(cached));
                case ASYNC -> call.rememberAsync(cached, call.cachedKey(cached));
                case MONO -> {
                    Object key = call.cachedKey(cached);   // evaluated now; the lookup runs on each subscription
                    yield ReactorSupport.mono(() -> call.rememberAsync(cached, key));
                }
                case FLUX -> {
                    Object key = call.cachedKey(cached);
                    yield ReactorSupport.flux(() -> call.rememberAsync(cached, key));
                }
            };
        } else {
            returned = invocation.proceed();
        }
        if (!ops.invalidatesAfter()) {
            return returned;
        }
        if (ops.reactive()) {
            return ReactorSupport.afterCompletion(returned, value -> call.invalidate(false, value));
        }
        if (returned instanceof CompletionStage<?> stage && isFutureType(ops.method().getReturnType())) {
            return stage.toCompletableFuture().thenApply(value -> {
                call.invalidate(false, value);
                return value;
            });
        }
        call.invalidate(false, returned instanceof Optional<?> o ? o.orElse(null) : returned);
        return returned;
    }

    private static boolean isFutureType(Class<?> type) {
        return type == CompletableFuture.class || type == CompletionStage.class;
    }

    private CacheTemplate template() {
        CacheTemplate t = template;
        if (t == null) {
            t = templates.get();
            if (t == null) {
                throw new IllegalStateException("no CacheTemplate for the Lamina cache annotations");
            }
            if (TRANSACTIONS) {
                t = TransactionAwareCacheTemplate.wrap(t, transactionMode);
            }
            template = t;
        }
        return t;
    }

    /** One intercepted call: its evaluation context and the steps of the operations. */
    private final class Call {

        private final MethodOperations ops;
        private final MethodInvocation invocation;
        private final MethodBasedEvaluationContext context;

        Call(MethodOperations ops, MethodInvocation invocation, Object target, Class<?> targetClass) {
            this.ops = ops;
            this.invocation = invocation;
            Object[] args = invocation.getArguments();
            this.context = new MethodBasedEvaluationContext(new LaminaExpressionRoot(ops.method(), args, target, targetClass),
                    ops.method(), args, PARAMETER_NAMES);
            BeanFactory factory = beanFactory;
            if (factory != null) {
                context.setBeanResolver(new BeanFactoryResolver(factory));
            }
        }

        boolean condition(Expression condition) {
            return condition == null || Boolean.TRUE.equals(condition.getValue(context, Boolean.class));
        }

        Object remember(CachedOperation op) throws Throwable {
            try {
                return template().remember(op.cache(), key(op.key(), "@Cached"), op.type(), ctx -> {
                    Object value = proceed();
                    if (op.kind() == MethodOperations.Kind.OPTIONAL) {
                        value = value == null ? null : ((Optional<?>) value).orElse(null);
                    }
                    describe(op, ctx, value);
                    return value;
                });
            } catch (MethodFailure failure) {
                throw failure.getCause();
            }
        }

        /**
         * {@link CachedAll}: every id through {@code rememberAll} (or {@code rememberAllAsync} for a future, Mono or Flux);
         * the method runs once, for the missing ids only.
         */
        Object rememberAll(MethodOperations.CachedAllOperation op) throws Throwable {
            Object[] args = invocation.getArguments();
            Collection<?> ids = (Collection<?>) args[op.idsIndex()];
            if (ids == null) {
                throw new NullPointerException("@CachedAll on " + ops.description() + ": the ids are null");
            }
            java.util.Map<Object, Object> idOfKey = new java.util.LinkedHashMap<>();
            List<Object> keys = new ArrayList<>(ids.size());
            for (Object id : ids) {
                if (id == null) {
                    throw new NullPointerException("@CachedAll on " + ops.description() + ": the ids hold a null");
                }
                Object key = keyOfId(op, id);
                keys.add(key);
                idOfKey.putIfAbsent(key, id);
            }
            io.lamina.cache.BulkContextLoader<Object, Object> loader = (missing, ctx) -> load(op, args, idOfKey, missing, ctx);
            switch (op.kind()) {
                case ASYNC:
                    return rememberAllAsync(op, keys, idOfKey, loader);
                case MONO:
                    return ReactorSupport.mono(() -> rememberAllAsync(op, keys, idOfKey, loader));
                case FLUX:
                    return ReactorSupport.flux(() -> rememberAllAsync(op, keys, idOfKey, loader));
                default:
                    break;
            }
            try {
                return shaped(op, idOfKey, template().rememberAll(op.cache(), keys, op.type(), loader));
            } catch (MethodFailure failure) {
                throw failure.getCause();
            }
        }

        private CompletableFuture<Object> rememberAllAsync(MethodOperations.CachedAllOperation op, List<Object> keys,
                java.util.Map<Object, Object> idOfKey, io.lamina.cache.BulkContextLoader<Object, Object> loader) {
            CompletableFuture<Object> out = new CompletableFuture<>();
            CompletableFuture<java.util.Map<Object, Object>> found;
            try {
                found = template().rememberAllAsync(op.cache(), keys, op.type(), loader);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            found.whenComplete((map, failure) -> {
                if (failure == null) {
                    out.complete(shaped(op, idOfKey, map));
                } else {
                    Throwable cause = unwrap(failure);
                    out.completeExceptionally(cause instanceof MethodFailure f ? f.getCause() : cause);
                }
            });
            return out;
        }

        /** What the caller gets: a Map by id in the ids' order, or the values in that order. */
        private Object shaped(MethodOperations.CachedAllOperation op, java.util.Map<Object, Object> idOfKey, java.util.Map<Object, Object> found) {
            if (op.listResult()) {
                return new ArrayList<>(found.values());
            }
            java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
            found.forEach((key, value) -> out.put(idOfKey.get(key), value));
            return out;
        }

        /** The bulk loader: the method, called with the missing ids only; each value by key, with its tags and TTL. */
        private java.util.Map<Object, Object> load(MethodOperations.CachedAllOperation op, Object[] args, java.util.Map<Object, Object> idOfKey,
                java.util.Set<Object> missing, io.lamina.cache.BulkLoadContext<Object> ctx) {
            Collection<Object> missingIds = op.setOfIds() ? new java.util.LinkedHashSet<>() : new ArrayList<>();
            for (Object key : missing) {
                missingIds.add(idOfKey.get(key));
            }
            Object[] narrowed = args.clone();
            narrowed[op.idsIndex()] = missingIds;
            Object result;
            try {
                result = invocation instanceof ProxyMethodInvocation proxied
                        ? proxied.invocableClone(narrowed).proceed() : invocation.proceed();
                if (op.kind() != MethodOperations.Kind.VALUE) {
                    result = awaitResult(op, result);
                }
            } catch (Throwable t) {
                throw unchecked(t);
            }
            java.util.Map<Object, Object> byKey = new java.util.HashMap<>();
            java.util.Map<Object, Object> idByKey = new java.util.HashMap<>();
            if (result instanceof List<?> list && op.listResult()) {
                for (Object element : list) {
                    if (element != null) {
                        Object id = idOf(op, element);
                        Object key = keyOfId(op, id);
                        byKey.put(key, element);
                        idByKey.put(key, id);
                    }
                }
            } else if (result instanceof java.util.Map<?, ?> map && !op.listResult()) {
                map.forEach((id, value) -> {
                    if (id != null) {
                        Object key = keyOfId(op, id);
                        byKey.put(key, value);
                        idByKey.put(key, id);
                    }
                });
            } else if (result != null) {
                throw new IllegalStateException(ops.description() + " returned a " + result.getClass().getName()
                        + " where @CachedAll expects a " + (op.listResult() ? "List" : "Map"));
            }
            for (Object key : missing) {
                Object value = byKey.get(key);
                if (value != null && (op.unless() != null || !op.tags().isEmpty())) {
                    context.setVariable("result", value);
                    context.setVariable("id", idByKey.get(key));
                    if (op.unless() != null && Boolean.TRUE.equals(op.unless().getValue(context, Boolean.class))) {
                        ctx.doNotCache(key);
                        continue;
                    }
                    List<String> tags = tags(op.tags(), false);
                    if (!tags.isEmpty()) {
                        ctx.tags(key, tags);
                    }
                }
                Duration ttl = value == null ? op.nullTtl() : op.ttl();
                if (ttl != null) {
                    ctx.ttl(key, ttl);
                }
            }
            return byKey;
        }

        /** The Map or List a future, Mono or Flux method gave, awaited (on the loader pool); a failure is the method's. */
        private Object awaitResult(MethodOperations.CachedAllOperation op, Object returned) throws Throwable {
            CompletionStage<?> stage;
            if (op.kind() == MethodOperations.Kind.ASYNC) {
                if (returned == null) {
                    throw new IllegalStateException(ops.description() + " returned null instead of a CompletionStage");
                }
                stage = (CompletionStage<?>) returned;
            } else {
                stage = ReactorSupport.load(returned, op.kind() == MethodOperations.Kind.FLUX, ops.description());
            }
            try {
                return stage.toCompletableFuture().get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw unwrap(e);
            }
        }

        private Object keyOfId(MethodOperations.CachedAllOperation op, Object id) {
            if (op.key() == null) {
                return id;
            }
            context.setVariable("id", id);
            Object key = op.key().getValue(context);
            if (key == null) {
                throw new NullPointerException("@CachedAll on " + ops.description() + ": key '" + op.key().getExpressionString()
                        + "' gave null");
            }
            return key;
        }

        private Object idOf(MethodOperations.CachedAllOperation op, Object element) {
            org.springframework.expression.spel.support.StandardEvaluationContext on =
                    new org.springframework.expression.spel.support.StandardEvaluationContext(element);
            on.setVariable("element", element);
            Object id = op.id().getValue(on);
            if (id == null) {
                throw new NullPointerException("@CachedAll on " + ops.description() + ": id '" + op.id().getExpressionString()
                        + "' gave null for an element");
            }
            return id;
        }

        Object cachedKey(CachedOperation op) {
            return key(op.key(), "@Cached");
        }

        CompletableFuture<Object> rememberAsync(CachedOperation op, Object key) {
            CompletableFuture<Object> loaded = template().rememberAsync(op.cache(), key, op.type(), ctx -> {
                Object stage;
                try {
                    stage = op.kind() == MethodOperations.Kind.ASYNC ? invocation.proceed() : ReactorSupport.load(
                            proceedAgain(), op.kind() == MethodOperations.Kind.FLUX, ops.description());
                } catch (Throwable t) {
                    return CompletableFuture.failedFuture(unchecked(t));
                }
                if (stage == null) {
                    return CompletableFuture.failedFuture(new IllegalStateException(ops.description()
                            + " returned null instead of a CompletionStage"));
                }
                @SuppressWarnings("unchecked")
                CompletionStage<Object> result = (CompletionStage<Object>) stage;
                return result.handle((value, failure) -> {
                    if (failure != null) {
                        throw unchecked(unwrap(failure));
                    }
                    describe(op, ctx, value);
                    return value;
                });
            });
            CompletableFuture<Object> out = new CompletableFuture<>();
            loaded.whenComplete((value, failure) -> {
                if (failure == null) {
                    out.complete(value);
                } else {
                    Throwable cause = unwrap(failure);
                    out.completeExceptionally(cause instanceof MethodFailure f ? f.getCause() : cause);
                }
            });
            return out;
        }

        /** Tags, unless and TTL of a freshly loaded value, set on the load's context. */
        private void describe(CachedOperation op, LoadContext ctx, Object value) {
            context.setVariable("result", value);
            if (op.unless() != null && Boolean.TRUE.equals(op.unless().getValue(context, Boolean.class))) {
                ctx.doNotCache();
                return;
            }
            List<String> tags = tags(op.tags(), value == null);
            if (!tags.isEmpty()) {
                ctx.tags(tags);
            }
            Duration ttl = value == null ? op.nullTtl() : op.ttl();
            if (ttl != null) {
                ctx.ttl(ttl);
            }
        }

        void invalidate(boolean before, Object result) {
            if (!before) {
                context.setVariable("result", result);
            }
            for (InvalidateOperation op : ops.invalidates()) {
                if (op.beforeInvocation() == before) {
                    template().invalidate(op.cache(), key(op.key(), "@Invalidate"));
                }
            }
            if (ops.tags() != null && ops.tags().beforeInvocation() == before) {
                List<String> tags = tags(ops.tags().tags(), false);
                if (!tags.isEmpty()) {
                    template().invalidateTags(tags.toArray(String[]::new));
                }
            }
        }

        private Object key(Expression expression, String annotation) {
            Object[] args = invocation.getArguments();
            if (expression != null) {
                Object key = expression.getValue(context);
                if (key == null) {
                    throw new NullPointerException(annotation + " on " + ops.description() + ": key '"
                            + expression.getExpressionString() + "' gave null");
                }
                return key;
            }
            if (args.length == 0) {
                return ops.method().getName();
            }
            for (int i = 0; i < args.length; i++) {
                if (args[i] == null) {
                    throw new NullPointerException(annotation + " on " + ops.description() + ": argument " + i
                            + " is null and the default key cannot hold a null; give a key expression");
                }
            }
            return args.length == 1 ? args[0] : List.of(args);
        }

        private List<String> tags(List<Expression> expressions, boolean nullResult) {
            List<String> tags = new ArrayList<>(expressions.size());
            for (Expression expression : expressions) {
                Object value;
                try {
                    value = expression.getValue(context);
                } catch (EvaluationException e) {
                    if (nullResult) {
                        continue; // '... + #result.x' cannot describe a null result: that tag does not apply
                    }
                    throw e;
                }
                if (value instanceof Collection<?> many) {
                    for (Object tag : many) {
                        if (tag != null) {
                            tags.add(tagString(tag, expression));
                        }
                    }
                } else if (value != null) {
                    tags.add(tagString(value, expression));
                }
            }
            return tags;
        }

        private String tagString(Object tag, Expression expression) {
            if (tag instanceof String s) {
                return s;
            }
            throw new IllegalStateException("tag '" + expression.getExpressionString() + "' of " + ops.description()
                    + " gave a " + tag.getClass().getName() + ", not a String or a Collection of Strings");
        }

        /**
         * Runs the method for a Mono or Flux subscription. Each subscription of the returned publisher may load, so
         * the invocation is cloned: a Spring invocation walks its interceptor chain only once.
         */
        private Object proceedAgain() throws Throwable {
            return invocation instanceof ProxyMethodInvocation proxied ? proxied.invocableClone().proceed() : invocation.proceed();
        }

        private Object proceed() {
            try {
                return invocation.proceed();
            } catch (Throwable t) {
                throw unchecked(t);
            }
        }
    }

    /** Unchecked failures as they are; checked ones in a {@link MethodFailure} that Lamina passes through unchanged. */
    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new MethodFailure(t);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Carries the method's checked exception through Lamina, which would wrap it, back to the caller. */
    private static final class MethodFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MethodFailure(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    @Override
    public String toString() {
        return "LaminaCacheInterceptor";
    }
}
