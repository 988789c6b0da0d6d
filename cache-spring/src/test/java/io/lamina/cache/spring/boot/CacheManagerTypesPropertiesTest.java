package io.lamina.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.TypeRef;
import io.lamina.cache.spring.LaminaSpringCache;
import io.lamina.cache.spring.Product;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;

/** {@code lamina.cache.cache-manager.types.*} and {@code default-type} take generic types as written in Java. */
@Timeout(30)
class CacheManagerTypesPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LaminaCacheAutoConfiguration.class));

    @Test
    void aGenericTypeProperty_declaresTheCacheWithThatType() {
        runner.withPropertyValues(
                "lamina.cache.cache-manager.types.product-lists=java.util.List<io.lamina.cache.spring.Product>",
                "lamina.cache.cache-manager.types.prices=java.util.Map<java.lang.String, java.math.BigDecimal>",
                "lamina.cache.cache-manager.types.products=io.lamina.cache.spring.Product").run(context -> {
                    assertThat(context).hasNotFailed();
                    CacheManager manager = context.getBean(CacheManager.class);
                    assertThat(((LaminaSpringCache) manager.getCache("product-lists")).valueType())
                            .isEqualTo(new TypeRef<List<Product>>() {});
                    assertThat(((LaminaSpringCache) manager.getCache("prices")).valueType())
                            .isEqualTo(new TypeRef<Map<String, BigDecimal>>() {});
                    assertThat(((LaminaSpringCache) manager.getCache("products")).valueType()).isEqualTo(TypeRef.of(Product.class));
                });
    }

    @Test
    void aDefaultType_isUsedForUndeclaredNames() {
        runner.withPropertyValues("lamina.cache.cache-manager.default-type=java.util.List<java.lang.String>").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(((LaminaSpringCache) context.getBean(CacheManager.class).getCache("anything")).valueType())
                    .isEqualTo(new TypeRef<List<String>>() {});
        });
    }

    @Test
    void anUnknownClass_failsStartup_namingTheProperty() {
        runner.withPropertyValues("lamina.cache.cache-manager.types.products=com.example.Nope").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("class com.example.Nope not found");
            assertThat(context.getStartupFailure()).hasStackTraceContaining("lamina.cache.cache-manager.types.products is invalid");
        });
    }

    @Test
    void aMalformedType_failsStartup_namingTheProperty() {
        runner.withPropertyValues("lamina.cache.cache-manager.default-type=java.util.List<java.lang.String").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("lamina.cache.cache-manager.default-type is invalid");
        });
    }
}
