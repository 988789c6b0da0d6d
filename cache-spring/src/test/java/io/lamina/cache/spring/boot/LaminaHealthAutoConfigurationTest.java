package io.lamina.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.spring.boot.health.LaminaHealthAutoConfiguration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** One test per condition of {@link LaminaHealthAutoConfiguration}, on Boot 3 and 4 (whose health APIs differ). */
@Timeout(30)
class LaminaHealthAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(LaminaCacheAutoConfiguration.class, LaminaHealthAutoConfiguration.class));

    @Test
    void withBootsHealthSupport_aLaminaIndicator_isUp_withL1Only() throws Exception {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasBean("laminaHealthIndicator");
            Object health = health(context.getBean("laminaHealthIndicator"));
            assertThat(status(health)).isEqualTo("UP");
            assertThat(details(health)).containsEntry("tiers", "L1").containsEntry("namespace", "lamina");
        });
    }

    @Test
    void redisUnreachable_isDegraded_notDown_withTheReason() throws Exception {
        runner.withPropertyValues("lamina.cache.redis.url=redis://127.0.0.1:1", "lamina.cache.redis.command-timeout=200ms",
                "lamina.cache.redis.connect-timeout=200ms").run(context -> {
                    Object health = health(context.getBean("laminaHealthIndicator"));
                    assertThat(status(health)).isEqualTo("DEGRADED");
                    assertThat(details(health)).containsEntry("topology", "standalone 127.0.0.1:1")
                            .containsKey("reason").containsKey("breaker").containsKey("busHealthy");
                });
    }

    @Test
    void degraded_leavesTheApplicationUp_inBootsAggregateHealth_whileDownTakesItDown() throws Exception {
        ApplicationContextRunner withEndpoint = runner.withConfiguration(BootClasses.autoConfigurations(
                        BootClasses.HEALTH_CONTRIBUTOR_AUTO_CONFIGURATION, BootClasses.HEALTH_REGISTRY_AUTO_CONFIGURATION,
                        BootClasses.HEALTH_ENDPOINT_AUTO_CONFIGURATION))
                .withPropertyValues("lamina.cache.redis.url=redis://127.0.0.1:1", "lamina.cache.redis.command-timeout=200ms",
                        "lamina.cache.redis.connect-timeout=200ms", "management.endpoints.web.exposure.include=health");
        withEndpoint.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(status(health(context.getBean("laminaHealthIndicator")))).isEqualTo("DEGRADED");
            assertThat(aggregate(context.getBean(BootClasses.load(BootClasses.HEALTH_ENDPOINT)))).isEqualTo("UP");
        });
        withEndpoint.withPropertyValues("lamina.cache.health.not-up-status=DOWN").run(context ->
                assertThat(aggregate(context.getBean(BootClasses.load(BootClasses.HEALTH_ENDPOINT)))).isEqualTo("DOWN"));
    }

    /** The status of Boot's /actuator/health, aggregated over every contributor. */
    static String aggregate(Object healthEndpoint) throws Exception {
        Object health = healthEndpoint.getClass().getMethod("health").invoke(healthEndpoint);
        java.lang.reflect.Method getStatus = health.getClass().getMethod("getStatus");
        getStatus.setAccessible(true);
        Object status = getStatus.invoke(health);
        return (String) status.getClass().getMethod("getCode").invoke(status);
    }

    @Test
    void notUpStatus_isConfigurable_toTakeTheApplicationDown() throws Exception {
        runner.withPropertyValues("lamina.cache.redis.url=redis://127.0.0.1:1", "lamina.cache.redis.command-timeout=200ms",
                "lamina.cache.redis.connect-timeout=200ms", "lamina.cache.health.not-up-status=DOWN").run(context ->
                        assertThat(status(health(context.getBean("laminaHealthIndicator")))).isEqualTo("DOWN"));
    }

    @Test
    void managementHealthLaminaEnabledFalse_noIndicator() {
        runner.withPropertyValues("management.health.lamina.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean("laminaHealthIndicator"));
    }

    @Test
    void withoutBootsHealthSupport_noIndicator() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.health",
                "org.springframework.boot.health")).run(context ->
                        assertThat(context).hasNotFailed().doesNotHaveBean("laminaHealthIndicator"));
    }

    @Test
    void applicationsOwnLaminaHealthIndicator_winsOverOurs() {
        runner.withBean("laminaHealthIndicator", String.class, () -> "mine").run(context ->
                assertThat(context.getBean("laminaHealthIndicator")).isEqualTo("mine"));
    }

    /** Boot 3's and Boot 4's Health have the same shape in different packages. */
    static Object health(Object indicator) throws Exception {
        return indicator.getClass().getMethod("health").invoke(indicator);
    }

    static String status(Object health) throws Exception {
        Object status = health.getClass().getMethod("getStatus").invoke(health);
        return (String) status.getClass().getMethod("getCode").invoke(status);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> details(Object health) throws Exception {
        return (Map<String, Object>) health.getClass().getMethod("getDetails").invoke(health);
    }
}
