package io.lamina.cache.spring.boot.actuate;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.spring.boot.LaminaCacheAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code lamina} Actuator endpoint, when spring-boot-actuator is on the classpath, the application has a
 * {@link CacheTemplate}, and the endpoint is available (enabled and exposed, as Boot decides for every endpoint:
 * {@code management.endpoints.web.exposure.include=lamina}). Backs off when the application defines its own.
 */
@AutoConfiguration(after = LaminaCacheAutoConfiguration.class)
@ConditionalOnClass(name = {
        "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
        "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint" })
public class LaminaCacheEndpointAutoConfiguration {

    /** The condition on actuator's classes sits on the method, so it is read only once the class's conditions passed. */
    @Bean
    @ConditionalOnAvailableEndpoint
    @ConditionalOnBean(CacheTemplate.class)
    @ConditionalOnMissingBean
    public LaminaCacheEndpoint laminaCacheEndpoint(CacheTemplate template) {
        return new LaminaCacheEndpoint(template);
    }
}
