package io.lamina.cache.spring;

import io.lamina.cache.CacheTemplate;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.function.Supplier;
import org.aopalliance.aop.Advice;
import org.springframework.aop.ClassFilter;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;

/**
 * The Spring AOP advisor that applies {@link Cached}, {@link Invalidate} and {@link InvalidateTags}: a
 * pointcut matching methods that carry one of them (on the method, on an interface method it implements,
 * or inherited) and the interceptor that runs them through a {@link CacheTemplate}.
 *
 * <p>Register it as a bean, ideally with {@code @Role(BeanDefinition.ROLE_INFRASTRUCTURE)} so that every
 * auto-proxy creator (also Spring's infrastructure one) picks it up; any auto-proxy creator then proxies
 * the annotated beans. {@link EnableLaminaCaching} and the Boot auto-configuration do both. Annotations are
 * parsed and validated when a bean is proxied: an invalid one fails the startup with a message naming the
 * method. Default order: lowest precedence (runs inside, for example, a transaction advisor of higher
 * precedence); change it with {@link #setOrder(int)}.
 *
 * <p>Thread-safe once configured.
 */
public final class LaminaCacheAdvisor extends AbstractPointcutAdvisor implements BeanFactoryAware {

    private static final long serialVersionUID = 1L;

    private final transient CacheOperationSource source = new CacheOperationSource();
    private final transient LaminaCacheInterceptor interceptor;
    private final transient Pointcut pointcut = new OperationsPointcut(source);

    /**
     * An advisor caching through {@code cache}.
     *
     * @throws NullPointerException if {@code cache} is null
     */
    public LaminaCacheAdvisor(CacheTemplate cache) {
        this(supplierOf(cache));
    }

    /**
     * An advisor that looks its template up on the first intercepted call (for example
     * {@code objectProvider::getObject}), so that proxying beans does not create the template early.
     *
     * @throws NullPointerException if {@code cache} is null
     */
    public LaminaCacheAdvisor(Supplier<? extends CacheTemplate> cache) {
        Objects.requireNonNull(cache, "cache");
        this.interceptor = new LaminaCacheInterceptor(source, cache);
    }

    private static Supplier<CacheTemplate> supplierOf(CacheTemplate cache) {
        Objects.requireNonNull(cache, "cache");
        return () -> cache;
    }

    @Override
    public Pointcut getPointcut() {
        return pointcut;
    }

    @Override
    public Advice getAdvice() {
        return interceptor;
    }

    /**
     * When the invalidations of {@link Invalidate} and {@link InvalidateTags} take effect inside a Spring
     * transaction (with spring-tx on the class path; see {@link TransactionAwareCacheTemplate}). Default
     * {@link TransactionMode#BOTH}: at once and again after the commit. Set it before the first intercepted call.
     */
    public void setTransactionMode(TransactionMode mode) {
        interceptor.transactionMode(Objects.requireNonNull(mode, "mode"));
    }

    /** Lets {@code @beanName} references resolve in the annotations' expressions. */
    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        interceptor.beanFactory(beanFactory);
    }

    /** Matches the methods that have Lamina operations; validates a class's annotations on first sight. */
    private static final class OperationsPointcut extends StaticMethodMatcherPointcut {

        private final CacheOperationSource source;

        OperationsPointcut(CacheOperationSource source) {
            this.source = source;
            setClassFilter(new CandidateClassFilter(source));
        }

        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            // never match what a proxy cannot intercept: a class whose only annotated methods are final is not proxied
            return source.operations(method, targetClass) != null && !UnproxyableMethods.isUnproxyable(method);
        }
    }

    private record CandidateClassFilter(CacheOperationSource source) implements ClassFilter {
        @Override
        public boolean matches(Class<?> type) {
            return source.isCandidateClass(type);
        }
    }
}
