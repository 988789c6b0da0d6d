package io.lamina.cache.spring;

import java.lang.reflect.Method;

/**
 * The {@code #root} object of the SpEL expressions of {@link Cached}, {@link Invalidate} and
 * {@link InvalidateTags}: {@code #root.method}, {@code #root.methodName}, {@code #root.args},
 * {@code #root.target}, {@code #root.targetClass}. Created per call; not to be kept.
 */
public final class LaminaExpressionRoot {

    private final Method method;
    private final Object[] args;
    private final Object target;
    private final Class<?> targetClass;

    LaminaExpressionRoot(Method method, Object[] args, Object target, Class<?> targetClass) {
        this.method = method;
        this.args = args;
        this.target = target;
        this.targetClass = targetClass;
    }

    /** The called method (the most specific one of the bean class). */
    public Method getMethod() {
        return method;
    }

    /** The called method's name. */
    public String getMethodName() {
        return method.getName();
    }

    /** The call's arguments. */
    public Object[] getArgs() {
        return args;
    }

    /** The bean behind the proxy. */
    public Object getTarget() {
        return target;
    }

    /** The bean's class. */
    public Class<?> getTargetClass() {
        return targetClass;
    }
}
