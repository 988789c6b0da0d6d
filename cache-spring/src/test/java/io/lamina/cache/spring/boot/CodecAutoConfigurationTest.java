package io.lamina.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lamina.cache.spi.CodecException;
import io.lamina.cache.spi.JsonCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code lamina.cache.codec.*}: the codec from the application's ObjectMapper bean, with Lamina's limits. */
@Timeout(30)
class CodecAutoConfigurationTest {

    public record Item(String itemName) {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LaminaCacheAutoConfiguration.class));

    private static ObjectMapper snakeCase() {
        return JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
    }

    private static String encode(JsonCodec codec, Object value) {
        return new String(codec.encode(value, value.getClass()), StandardCharsets.UTF_8);
    }

    @Test
    void theApplicationsObjectMapper_isUsed() {
        runner.withBean(ObjectMapper.class, CodecAutoConfigurationTest::snakeCase).run(context -> {
            assertThat(context).hasNotFailed();
            JsonCodec codec = context.getBean(ApplicationObjectMapperCodec.class).codec();
            assertThat(encode(codec, new Item("mug"))).isEqualTo("{\"item_name\":\"mug\"}");
        });
    }

    @Test
    void withoutAnObjectMapperBean_laminasOwnMapperIsUsed() {
        runner.run(context -> {
            JsonCodec codec = context.getBean(ApplicationObjectMapperCodec.class).codec();
            assertThat(encode(codec, new Item("mug"))).isEqualTo("{\"itemName\":\"mug\"}");
        });
    }

    @Test
    void turnedOff_laminasOwnMapperIsUsed() {
        runner.withBean(ObjectMapper.class, CodecAutoConfigurationTest::snakeCase)
                .withPropertyValues("lamina.cache.codec.application-object-mapper=false").run(context -> {
                    JsonCodec codec = context.getBean(ApplicationObjectMapperCodec.class).codec();
                    assertThat(encode(codec, new Item("mug"))).isEqualTo("{\"itemName\":\"mug\"}");
                });
    }

    @Test
    void theLimits_areLaminas() {
        runner.withBean(ObjectMapper.class, CodecAutoConfigurationTest::snakeCase)
                .withPropertyValues("lamina.cache.codec.max-bytes=10").run(context -> {
                    JsonCodec codec = context.getBean(ApplicationObjectMapperCodec.class).codec();
                    assertThat(codec.maxBytes()).isEqualTo(10);
                    assertThatThrownBy(() -> codec.encode(new Item("a long name"), Item.class)).isInstanceOf(CodecException.class)
                            .hasMessageContaining("maxBytes 10");
                });
    }

    @Test
    void aNonPositiveLimit_failsStartup_namingTheProperty() {
        runner.withPropertyValues("lamina.cache.codec.max-depth=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("lamina.cache.codec.max-depth must be positive");
        });
    }
}
