package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * cache-core declares Micrometer optional: a template, its stats and its node stats must work on a class path
 * without it. Runs the public API in a class loader that holds cache-core and its required dependencies only. Calls
 * go through method handles, which link one method each, as compiled code does; {@code Class.getMethods()} on
 * {@code CacheTemplateBuilder} would resolve {@code meterRegistry}'s parameter types and needs Micrometer.
 */
@Timeout(30)
class WithoutMicrometerTest {

    @Test
    void rememberAndStats_workWithoutMicrometerOnTheClassPath() throws Throwable {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            boolean wanted = entry.endsWith(File.separator + "classes") && !entry.contains("test-classes")
                    || entry.contains("caffeine") || entry.contains("jackson");
            if (wanted && !entry.contains("micrometer")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry", false, isolated))
                    .isInstanceOf(ClassNotFoundException.class);

            Class<?> templateType = Class.forName(CacheTemplate.class.getName(), true, isolated);
            assertThat(templateType).isNotSameAs(CacheTemplate.class);
            Class<?> builderType = Class.forName(CacheTemplateBuilder.class.getName(), true, isolated);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Object builder = lookup.findStatic(templateType, "builder", MethodType.methodType(builderType)).invoke();
            lookup.findVirtual(builderType, "namespace", MethodType.methodType(builderType, String.class)).invoke(builder, "isolated");
            Object template = lookup.findVirtual(builderType, "build", MethodType.methodType(templateType)).invoke(builder);

            Class<?> loaderType = Class.forName(Loader.class.getName(), true, isolated);
            Object loader = Proxy.newProxyInstance(isolated, new Class<?>[] {loaderType}, (proxy, method, args) ->
                    method.getName().equals("load") ? "value" : method.invoke(this, args));
            MethodHandle remember = lookup.findVirtual(templateType, "remember",
                    MethodType.methodType(Object.class, String.class, Object.class, Class.class, loaderType));
            assertThat(remember.invoke(template, "c", (Object) 1, String.class, loader)).isEqualTo("value");
            assertThat(remember.invoke(template, "c", (Object) 1, String.class, loader)).isEqualTo("value");

            Object stats = templateType.getMethod("stats", String.class).invoke(template, "c");
            assertThat(stats.getClass().getMethod("l1Hits").invoke(stats)).isEqualTo(1L);
            assertThat(stats.getClass().getMethod("misses").invoke(stats)).isEqualTo(1L);
            assertThat(stats.getClass().getMethod("hitRatio").invoke(stats)).isEqualTo(0.5);
            Object node = templateType.getMethod("nodeStats").invoke(template);
            assertThat(node.getClass().getMethod("remote").invoke(node)).isEqualTo(false);
            templateType.getMethod("close").invoke(template);
        }
    }
}
