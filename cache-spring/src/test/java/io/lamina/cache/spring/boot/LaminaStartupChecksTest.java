package io.lamina.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.CacheTemplate;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/** Startup checks: range errors reported by Boot's failure analysis naming the property; durations without a unit refused. */
@Timeout(30)
@ExtendWith(OutputCaptureExtension.class)
class LaminaStartupChecksTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LaminaCacheAutoConfiguration.class));
    private final LaminaConfigurationFailureAnalyzer analyzer = new LaminaConfigurationFailureAnalyzer();

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(LaminaCacheAutoConfiguration.class)
    static class App {
    }

    @Test
    void negativeTtl_isAnalyzed_namingTheProperty() {
        runner.withPropertyValues("lamina.cache.caches.products.ttl=-1s").run(context -> {
            FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("Property: lamina.cache.caches.products.ttl")
                    .contains("must be positive, got PT-1S");
            assertThat(analysis.getAction()).contains("lamina.cache.caches.products.ttl");
        });
    }

    @Test
    void namespaceWithASpace_isAnalyzed_namingTheProperty() {
        runner.withPropertyValues("lamina.cache.namespace=my shop").run(context ->
                assertThat(analyzer.analyze(context.getStartupFailure()).getDescription())
                        .contains("Property: lamina.cache.namespace"));
    }

    @Test
    void otherFailures_areLeftToOtherAnalyzers() {
        assertThat(analyzer.analyze(new IllegalStateException("lamina.cache.x broke"))).isNull();
        assertThat(analyzer.analyze(new IllegalArgumentException("something else"))).isNull();
    }

    @Test
    void bootsReport_namesTheProperty_withoutTheStackTraceAboutCacheManager(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "lamina.cache.caches.products.ttl=-1s").run())
                .isInstanceOf(Exception.class);
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("Property: lamina.cache.caches.products.ttl")
                .as("Spring's one-line WARN stays, the stack trace is gone")
                .doesNotContain("at org.springframework.beans.factory.support.");
    }

    @Test
    void durationWithoutUnit_isRefused_namingThePropertyAndTheUnits() {
        runner.withPropertyValues("lamina.cache.defaults.ttl=30").run(context -> {
            assertThat(context).hasFailed();
            assertThat(analyzer.analyze(context.getStartupFailure()).getDescription())
                    .contains("Property: lamina.cache.defaults.ttl").contains("has no unit; write 30s, 30m or 30ms");
        });
    }

    @Test
    void redisDurationWithoutUnit_isRefusedToo() {
        runner.withPropertyValues("lamina.cache.redis.url=redis://127.0.0.1:1", "lamina.cache.redis.command-timeout=500")
                .run(context -> assertThat(LaminaCacheAutoConfigurationTest.messages(context))
                        .contains("lamina.cache.redis.command-timeout=500 has no unit"));
    }

    @Test
    void durationsWithUnits_orIso8601_areAccepted() {
        runner.withPropertyValues("lamina.cache.defaults.ttl=30s", "lamina.cache.caches.products.ttl=PT2M",
                "lamina.cache.defaults.jitter=0ms").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(CacheTemplate.class).options("products").ttl()).contains(Duration.ofMinutes(2));
                });
    }
}
