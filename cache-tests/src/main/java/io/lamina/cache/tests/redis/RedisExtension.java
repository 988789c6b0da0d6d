package io.lamina.cache.tests.redis;

import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link RedisTest}: resolves {@link RedisServer},
 * {@link OwnedRedisServer}, {@link OwnedRedisCluster}, {@link OwnedRedisSentinel} and
 * {@code @}{@link RedisNamespace} {@code String} parameters, and stops the class's own server,
 * cluster and Sentinel group after the class (each is started once per class, on first use). Usable directly with
 * {@code @ExtendWith(RedisExtension.class)}.
 */
public final class RedisExtension implements ParameterResolver, BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(RedisExtension.class);
    private static final String OWNED = "owned-server";
    private static final String NAMESPACE = "namespace";
    private static final String CLUSTER = "cluster";
    private static final String SENTINEL = "sentinel";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == RedisServer.class
                || type == OwnedRedisServer.class
                || type == OwnedRedisCluster.class
                || type == OwnedRedisSentinel.class
                || (type == String.class && parameter.isAnnotated(RedisNamespace.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == String.class) {
            return classContext.getStore(STORE).getOrComputeIfAbsent(NAMESPACE,
                    key -> newNamespace(classContext.getRequiredTestClass()), String.class);
        }
        if (type == OwnedRedisCluster.class) {
            boolean tls = tlsRequested(classContext.getRequiredTestClass());
            return classContext.getStore(STORE).getOrComputeIfAbsent(CLUSTER,
                    key -> tls ? OwnedRedisCluster.builder().tls(RedisTls.shared()).start() : OwnedRedisCluster.start(),
                    OwnedRedisCluster.class);
        }
        if (type == OwnedRedisSentinel.class) {
            boolean tls = tlsRequested(classContext.getRequiredTestClass());
            return classContext.getStore(STORE).getOrComputeIfAbsent(SENTINEL,
                    key -> tls ? OwnedRedisSentinel.builder().tls(RedisTls.shared()).start() : OwnedRedisSentinel.start(),
                    OwnedRedisSentinel.class);
        }
        if (type == OwnedRedisServer.class || ownedRequested(classContext.getRequiredTestClass())) {
            return classContext.getStore(STORE).getOrComputeIfAbsent(OWNED,
                    key -> RedisServers.startOwned(), OwnedRedisServer.class);
        }
        return RedisServers.shared();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        OwnedRedisServer server = context.getStore(STORE).remove(OWNED, OwnedRedisServer.class);
        OwnedRedisCluster cluster = context.getStore(STORE).remove(CLUSTER, OwnedRedisCluster.class);
        OwnedRedisSentinel sentinel = context.getStore(STORE).remove(SENTINEL, OwnedRedisSentinel.class);
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            try {
                if (cluster != null) {
                    cluster.close();
                }
            } finally {
                if (sentinel != null) {
                    sentinel.close();
                }
            }
        }
    }

    /** "t-" + the class's simple name + "-" + 8 random hex digits, restricted to [A-Za-z0-9_-]. */
    static String newNamespace(Class<?> testClass) {
        String name = testClass.getSimpleName().replaceAll("[^A-Za-z0-9_-]", "_");
        return "t-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The context of the test class, where per-class state lives (a method's parent, or itself). */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }

    /** A class of {@code @RedisTest(tls = true)} is skipped where TLS servers cannot be had (no openssl, no TLS build). */
    @Override
    public void beforeAll(ExtensionContext context) {
        if (tlsRequested(context.getRequiredTestClass())) {
            org.junit.jupiter.api.Assumptions.assumeTrue(RedisTls.available(),
                    "TLS servers need openssl and a redis-server built with TLS");
        }
    }

    /** Whether the class (or an enclosing one) says {@code @RedisTest(tls = true)}. */
    private static boolean tlsRequested(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            var annotation = AnnotationSupport.findAnnotation(c, RedisTest.class);
            if (annotation.isPresent()) {
                return annotation.get().tls();
            }
        }
        return false;
    }

    private static boolean ownedRequested(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            var annotation = AnnotationSupport.findAnnotation(c, RedisTest.class);
            if (annotation.isPresent()) {
                return annotation.get().owned();
            }
        }
        return false;
    }
}
