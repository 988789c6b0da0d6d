package io.lamina.cache.spring.boot.health;

import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@link LaminaHealth} as a Spring Boot 4 health indicator ({@code /actuator/health/lamina}); Boot 4 moved health to
 * {@code org.springframework.boot.health.contributor}. Compiled against spring-boot-health, loaded only on Boot 4.
 */
public final class LaminaBoot4HealthIndicator implements HealthIndicator {

    private final LaminaHealth health;

    public LaminaBoot4HealthIndicator(LaminaHealth health) {
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    public Health health() {
        LaminaHealth.Result result = health.check();
        return Health.status(result.status()).withDetails(result.details()).build();
    }
}
