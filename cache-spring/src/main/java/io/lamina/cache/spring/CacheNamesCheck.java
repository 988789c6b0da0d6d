package io.lamina.cache.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.AnnotationCacheOperationSource;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.config.CacheManagementConfigUtils;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheableOperation;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * At startup, checks the cache names that Spring's cache annotations ({@code @Cacheable}, {@code @CachePut},
 * {@code @CacheEvict}, {@code @Caching}, {@code @CacheConfig}) of the context's beans resolve against a
 * {@link LaminaCacheManager}: a name the manager does not know would otherwise fail only when the method is first
 * called, and a {@code @Cacheable} result of a generic type ({@code List<Product>}) declared by its raw class
 * ({@code java.util.List}) would come back from Redis as maps, not products.
 *
 * <p>Only with Spring's caching enabled ({@code @EnableCaching}). An annotation is checked when it names this
 * manager's bean, or names no manager and no resolver while this manager is the context's only
 * {@code CacheManager} and there is no {@code CachingConfigurer} (which could pick another).
 */
final class CacheNamesCheck {

    private CacheNamesCheck() {
    }

    /** The problems found, one line each; empty when every name resolves. */
    static List<String> problems(ListableBeanFactory factory, LaminaCacheManager manager, String managerBeanName) {
        if (!factory.containsBean(CacheManagementConfigUtils.CACHE_ADVISOR_BEAN_NAME)
                && !factory.containsBean(CacheManagementConfigUtils.CACHE_ASPECT_BEAN_NAME)) {
            return List.of(); // no @EnableCaching: Spring's cache annotations do nothing, so they ask nothing of the manager
        }
        boolean soleManager = factory.getBeanNamesForType(CacheManager.class, true, false).length == 1
                && factory.getBeanNamesForType(CachingConfigurer.class, true, false).length == 0;
        AnnotationCacheOperationSource source = new AnnotationCacheOperationSource();
        Set<String> problems = new LinkedHashSet<>();
        for (String beanName : factory.getBeanDefinitionNames()) {
            if (isInfrastructure(factory, beanName)) {
                continue;
            }
            Class<?> type;
            try {
                type = factory.getType(beanName, false);
            } catch (RuntimeException e) {
                continue; // a bean whose type cannot be told without creating it: not ours to judge
            }
            if (type == null) {
                continue;
            }
            Class<?> userClass = ClassUtils.getUserClass(type);
            if (!source.isCandidateClass(userClass)) {
                continue;
            }
            for (Method method : ReflectionUtils.getUniqueDeclaredMethods(userClass, ReflectionUtils.USER_DECLARED_METHODS)) {
                if (method.isBridge() || Modifier.isStatic(method.getModifiers())) {
                    continue;
                }
                Collection<CacheOperation> operations;
                try {
                    operations = source.getCacheOperations(method, userClass);
                } catch (IllegalStateException e) {
                    continue; // Spring reports its own annotation errors
                }
                if (operations == null) {
                    continue;
                }
                for (CacheOperation op : operations) {
                    boolean ours = managerBeanName != null && managerBeanName.equals(op.getCacheManager())
                            || soleManager && op.getCacheManager().isEmpty() && op.getCacheResolver().isEmpty();
                    if (ours) {
                        check(op, method, userClass, manager, problems);
                    }
                }
            }
        }
        return new ArrayList<>(problems);
    }

    private static void check(CacheOperation op, Method method, Class<?> beanClass, LaminaCacheManager manager, Set<String> problems) {
        String where = describe(method, beanClass);
        for (String name : op.getCacheNames()) {
            if (!(manager.getCache(name) instanceof LaminaSpringCache cache)) {
                problems.add(where + " uses cache '" + name + "', which Lamina's CacheManager does not declare: declare its value"
                        + " type (lamina.cache.cache-manager.types." + name + "=com.example.Value, or LaminaCacheManager.Builder.cache)"
                        + " or set a default type");
                continue;
            }
            if (op instanceof CacheableOperation) {
                Type returned = ResolvableType.forMethodReturnType(method, beanClass).getType();
                if (returned instanceof ParameterizedType p && p.getRawType() == cache.valueType().type()) {
                    problems.add(where + " returns " + typeName(ResolvableType.forMethodReturnType(method, beanClass))
                            + " but cache '" + name + "' is declared as the raw " + ((Class<?>) p.getRawType()).getName()
                            + ", so values read from Redis would not be of the element type: declare it as "
                            + typeName(ResolvableType.forMethodReturnType(method, beanClass)));
                }
            }
        }
    }

    /** {@code java.util.List<com.example.Product>}: the syntax of {@code lamina.cache.cache-manager.types.*}. */
    private static String typeName(ResolvableType type) {
        Class<?> raw = type.resolve(Object.class);
        if (!type.hasGenerics()) {
            return raw.getName();
        }
        return raw.getName() + Arrays.stream(type.getGenerics()).map(CacheNamesCheck::typeName).collect(Collectors.joining(", ", "<", ">"));
    }

    private static boolean isInfrastructure(ListableBeanFactory factory, String beanName) {
        if (factory instanceof ConfigurableListableBeanFactory c && c.containsBeanDefinition(beanName)) {
            return c.getBeanDefinition(beanName).getRole() == BeanDefinition.ROLE_INFRASTRUCTURE;
        }
        return false;
    }

    private static String describe(Method method, Class<?> beanClass) {
        return "Spring cache annotation on " + beanClass.getName() + "." + method.getName()
                + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
    }
}
