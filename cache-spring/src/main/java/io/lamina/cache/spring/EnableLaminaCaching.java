package io.lamina.cache.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;

/**
 * Turns on {@link Cached}, {@link Invalidate} and {@link InvalidateTags} in a plain Spring application
 * (Spring Boot does it by auto-configuration): registers a {@link LaminaCacheAdvisor} over the context's
 * {@code CacheTemplate} bean (looked up on the first intercepted call) and an auto-proxy creator.
 *
 * <pre>{@code
 * @Configuration
 * @EnableLaminaCaching
 * class AppConfig {
 *     @Bean CacheTemplate cacheTemplate() { return CacheTemplate.builder().build(); }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import({LaminaCachingRegistrar.class, LaminaCachingConfiguration.class})
public @interface EnableLaminaCaching {

    /** Proxy classes (CGLIB) even when a bean implements interfaces; false: JDK proxies for those. */
    boolean proxyTargetClass() default false;

    /** The advisor's order among the advisors of one bean. */
    int order() default Ordered.LOWEST_PRECEDENCE;

    /**
     * When the annotations' invalidations take effect inside a Spring transaction; see {@link TransactionMode}.
     * Default: at once and again after the commit.
     */
    TransactionMode transactionMode() default TransactionMode.BOTH;
}
