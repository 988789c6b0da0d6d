package io.lamina.cache.spring.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lamina.cache.CacheTemplateBuilder;
import io.lamina.cache.spi.JsonCodec;
import java.util.function.Supplier;
import org.springframework.core.Ordered;

/**
 * Builds the auto-configured template's codec from the application's Jackson 2 {@code ObjectMapper} bean (Boot's,
 * with the parameter-names, java.time and Jdk8 modules and the {@code spring.jackson.*} settings), with Lamina's
 * safety rules applied to a copy ({@link JsonCodec.Builder#objectMapper}). Runs before every other customizer, so
 * one of the application's can still set another codec. Without such a bean (Boot 4 with Jackson 3 only, or no
 * Jackson auto-configuration), or with {@code lamina.cache.codec.application-object-mapper=false}, the codec uses
 * Lamina's own mapper. Either way with {@code lamina.cache.codec.max-bytes} and {@code max-depth}.
 */
final class ApplicationObjectMapperCodec implements LaminaCacheTemplateCustomizer, Ordered {

    private final Supplier<ObjectMapper> mapper;
    private final int maxBytes;
    private final int maxDepth;

    ApplicationObjectMapperCodec(Supplier<ObjectMapper> mapper, int maxBytes, int maxDepth) {
        this.mapper = mapper;
        this.maxBytes = maxBytes;
        this.maxDepth = maxDepth;
    }

    @Override
    public void customize(CacheTemplateBuilder builder) {
        builder.codec(codec());
    }

    /** The codec the template gets. */
    JsonCodec codec() {
        ObjectMapper application = mapper.get();
        JsonCodec.Builder codec = JsonCodec.builder().maxBytes(maxBytes).maxDepth(maxDepth);
        if (application != null) {
            codec.objectMapper(application);
        }
        return codec.build();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
