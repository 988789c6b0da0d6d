package io.lamina.cache.spring.boot.health;

import java.util.Objects;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** {@link LaminaHealth} as a Spring Boot 3 health indicator ({@code /actuator/health/lamina}). */
public final class LaminaHealthIndicator implements HealthIndicator {

    private final LaminaHealth health;

    public LaminaHealthIndicator(LaminaHealth health) {
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    public Health health() {
        LaminaHealth.Result result = health.check();
        return Health.status(result.status()).withDetails(result.details()).build();
    }
}
