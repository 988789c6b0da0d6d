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
 * {@code this} from another method of the class, which no proxy sees) is found by reading the class's bytecode with
 * Spring's own ASM, and warned about the same way.
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
        warnSelfInvocations(type);
    }

    /** One WARN per annotated method that another method of its own class calls through {@code this}. */
    static void warnSelfInvocations(Class<?> type) {
        java.util.Map<String, String> annotated = new java.util.HashMap<>();   // name + descriptor -> annotation
        for (Method method : type.getDeclaredMethods()) {
            String annotation = method.isBridge() || method.isSynthetic() ? null : annotation(method);
            if (annotation != null && !Modifier.isStatic(method.getModifiers())) {
                annotated.put(method.getName() + org.springframework.asm.Type.getMethodDescriptor(method), annotation);
            }
        }
        if (annotated.isEmpty()) {
            return;
        }
        String owner = org.springframework.asm.Type.getInternalName(type);
        java.util.Map<String, String> callers = new java.util.TreeMap<>();   // callee -> first caller
        String resource = owner + ".class";
        ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : ClassLoader.getSystemClassLoader();
        try (java.io.InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return;
            }
            new org.springframework.asm.ClassReader(in).accept(new org.springframework.asm.ClassVisitor(org.springframework.asm.SpringAsmInfo.ASM_VERSION) {
                @Override
                public org.springframework.asm.MethodVisitor visitMethod(int access, String caller, String callerDescriptor,
                        String signature, String[] exceptions) {
                    return new org.springframework.asm.MethodVisitor(org.springframework.asm.SpringAsmInfo.ASM_VERSION) {
                        @Override
                        public void visitMethodInsn(int opcode, String calleeOwner, String callee, String descriptor, boolean itf) {
                            boolean onThis = opcode == org.springframework.asm.Opcodes.INVOKEVIRTUAL
                                    || opcode == org.springframework.asm.Opcodes.INVOKESPECIAL;
                            String key = callee + descriptor;
                            if (onThis && calleeOwner.equals(owner) && annotated.containsKey(key)
                                    && !(caller + callerDescriptor).equals(key)) {
                                callers.putIfAbsent(key, caller);
                            }
                        }
                    };
                }
            }, org.springframework.asm.ClassReader.SKIP_DEBUG | org.springframework.asm.ClassReader.SKIP_FRAMES);
        } catch (java.io.IOException | RuntimeException e) {
            return;   // a class whose bytecode cannot be read is not checked
        }
        callers.forEach((callee, caller) -> LOG.warn("Lamina: " + annotated.get(callee) + " method " + type.getName() + "."
                + callee.substring(0, callee.indexOf('(')) + " is called from " + type.getName() + "." + caller
                + " through 'this': such calls do not pass through the Spring proxy and run uncached. Call it through"
                + " the bean (inject it, or move the method to another bean)."));
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
