package io.lamina.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A codec from an application's ObjectMapper, immutable classes, and types that cannot round-trip. */
class JsonCodecMapperTest {

    /** Immutable, final fields, one all-args constructor and getters: what Boot's mapper reads with parameter names. */
    public static final class Price {
        private final String sku;
        private final BigDecimal unitAmount;
        private final Instant since;

        public Price(String sku, BigDecimal unitAmount, Instant since) {
            this.sku = sku;
            this.unitAmount = unitAmount;
            this.since = since;
        }

        public String getSku() {
            return sku;
        }

        public BigDecimal getUnitAmount() {
            return unitAmount;
        }

        public Instant getSince() {
            return since;
        }
    }

    /** An interface Jackson has no implementation for. */
    public interface Shape {
    }

    public record Circle(double radius) implements Shape {
    }

    /** Written as {"shape":{"radius":1.0}}, but no JSON can be read back into the interface-typed component. */
    public record Note(Shape shape) {
    }

    /** No properties at all: Jackson cannot write it. */
    public static final class Marker {
    }

    @Test
    void anImmutableClassWithAnAllArgsConstructor_roundTrips_withTheDefaultCodec() {
        JsonCodec codec = JsonCodec.create();
        Price price = new Price("mug", new BigDecimal("29.90"), Instant.parse("2026-01-01T00:00:00Z"));
        Price back = (Price) codec.decode(codec.encode(price, Price.class), Price.class);
        assertThat(back.getSku()).isEqualTo("mug");
        assertThat(back.getUnitAmount()).isEqualTo(new BigDecimal("29.90"));
        assertThat(back.getSince()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void fromAnApplicationMapper_itsSettingsApply_butLaminasLimitsWin() {
        ObjectMapper application = JsonMapper.builder()
                .findAndAddModules()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        application.activateDefaultTyping(BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build(),
                ObjectMapper.DefaultTyping.EVERYTHING);
        JsonCodec codec = JsonCodec.builder().objectMapper(application).maxBytes(4096).maxDepth(8).build();

        Price price = new Price("mug", new BigDecimal("29.90"), Instant.parse("2026-01-01T00:00:00Z"));
        String json = new String(codec.encode(price, Price.class), StandardCharsets.UTF_8);
        assertThat(json).as("the application's naming strategy").contains("\"unit_amount\":29.90");
        assertThat(json).as("no default typing: no class name in the bytes").doesNotContain("io.lamina").doesNotContain("java.");
        assertThat(((Price) codec.decode(json.getBytes(StandardCharsets.UTF_8), Price.class)).getUnitAmount())
                .isEqualTo(new BigDecimal("29.90"));

        assertThatThrownBy(() -> codec.decode("{\"sku\":\"a\",\"unit_amount\":1,\"since\":null,\"extra\":1}".getBytes(StandardCharsets.UTF_8),
                Price.class)).as("unknown properties fail, as in Lamina's own codec").isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> codec.decode(("[".repeat(20) + "]".repeat(20)).getBytes(StandardCharsets.UTF_8), Object.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("depth");
        assertThatThrownBy(() -> codec.decode(new byte[4097], Object.class)).hasMessageContaining("maxBytes 4096");

        assertThat(application.getDeserializationConfig().isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES))
                .as("the application's mapper is not changed").isFalse();
        assertThat(application.getPolymorphicTypeValidator()).isNotNull();
        assertThat(new String(serialize(application, java.util.List.of("x")), StandardCharsets.UTF_8))
                .as("the application's mapper keeps its default typing").contains("java.util");
    }

    @Test
    void aTypeThatCannotBeReadBack_failsItsFirstEncode_namingTheType_andEveryLaterOne() {
        JsonCodec codec = JsonCodec.create();
        assertThatThrownBy(() -> codec.encode(new Note(new Circle(1)), Note.class)).isInstanceOf(CodecException.class)
                .hasMessageContaining(Note.class.getTypeName()).hasMessageContaining("cannot be read back");
        assertThatThrownBy(() -> codec.encode(new Note(new Circle(2)), Note.class)).isInstanceOf(CodecException.class)
                .hasMessageContaining(Note.class.getTypeName());
        assertThat(codec.encode("fine", String.class)).isNotEmpty();
    }

    @Test
    void aTypeWithoutProperties_failsItsEncode_namingTheType() {
        JsonCodec codec = JsonCodec.create();
        assertThatThrownBy(() -> codec.encode(new Marker(), Marker.class)).isInstanceOf(CodecException.class)
                .hasMessageContaining(Marker.class.getTypeName());
    }

    private static byte[] serialize(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
