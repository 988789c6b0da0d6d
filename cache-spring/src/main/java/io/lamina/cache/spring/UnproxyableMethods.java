package io.lamina.cache.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Methods carrying Lamina's annotations that no Spring AOP proxy can intercept: private, static and final ones. Each is
 * warned about once, when its class is first looked at (at startup, while beans are proxied), and never matched by
 * the advisor: a class whose only annotated methods are final is then not proxied at all, so its final method runs
 * on the bean itself (uncached) instead of on a CGLIB proxy whose fields are all null. Self-invocation (a call through
 * {@code this}) cannot be seen from here; it is documented instead.
 */
final class UnproxyableMethods {

    private static final Log LOG = LogFactory.getLog(UnproxyableMethods.class);

    private UnproxyableMethods() {
    }

    /** Whether a proxy cannot intercept {@code method}. */
    static boolean isUnproxyable(Method method) {
        int m = method.getModifiers();
        return Modifier.isPrivate(m) || Modifier.isStatic(m) || Modifier.isFinal(m);
    }

    /** Logs one WARN per annotated method of {@code type} that a proxy cannot intercept. */
    static void warn(Class<?> type) {
        for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
            if (method.isBridge() || method.isSynthetic() || !isUnproxyable(method)) {
                continue;
            }
            String annotation = annotation(method);
            if (annotation == null) {
                continue;
            }
            int m = method.getModifiers();
            String kind = Modifier.isPrivate(m) ? "private" : Modifier.isStatic(m) ? "static" : "final";
            LOG.warn("Lamina: " + annotation + " on " + kind + " method " + method.getDeclaringClass().getName() + "."
                    + method.getName() + " is ignored: Spring AOP proxies cannot intercept " + kind
                    + " methods, so its calls run uncached. Make it a public, non-final instance method and call it"
                    + " through the bean (a call through 'this' is not intercepted either).");
        }
    }

    private static String annotation(Method method) {
        if (AnnotatedElementUtils.hasAnnotation(method, Cached.class)) {
            return "@Cached";
        }
        if (AnnotatedElementUtils.hasAnnotation(method, InvalidateTags.class)) {
            return "@InvalidateTags";
        }
        if (AnnotatedElementUtils.hasAnnotation(method, Invalidate.class)
                || AnnotatedElementUtils.hasAnnotation(method, Invalidate.List.class)) {
            return "@Invalidate";
        }
        return null;
    }
}
