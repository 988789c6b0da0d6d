package io.lamina.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import io.lamina.cache.spi.gadget.Gadget;
import io.lamina.cache.spi.gadget.GadgetEffects;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Class names in the bytes (@JsonTypeInfo(use = CLASS)) are denied unless the builder allowed them. */
class JsonCodecTypeValidatorTest {

    /** The application's base type for a field whose JSON names its class. */
    public interface Payment {
    }

    public record Card(String last4) implements Payment {
    }

    /** A value type with a property that asks Jackson for class names: the shape the finding is about. */
    public record Order(String id, @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object payment) {
    }

    /** The same, typed by the application's base type. */
    public record TypedOrder(String id, @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Payment payment) {
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String gadgetOrder() {
        return "{\"id\":\"o1\",\"payment\":{\"@class\":\"" + Gadget.class.getName() + "\",\"command\":\"rm -rf /\"}}";
    }

    private static void assertGadgetNeverRan() {
        assertThat(GadgetEffects.INITIALIZED).as("static initializer").hasValue(0);
        assertThat(GadgetEffects.CONSTRUCTED).as("constructor").hasValue(0);
        assertThat(GadgetEffects.SET).as("setter").hasValue(0);
    }

    @Test
    void aClassNamedInTheBytes_isNotLoadedOrConstructed_andDecodingFails() {
        JsonCodec codec = JsonCodec.create();

        assertThatThrownBy(() -> codec.decode(json(gadgetOrder()), Order.class))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining(Order.class.getTypeName());
        assertGadgetNeverRan();
    }

    @Test
    void aClassNamedInTheBytes_isDenied_evenWhenOtherBaseTypesAndPackagesAreAllowed() {
        JsonCodec codec = JsonCodec.builder().allowSubtypesOf(Payment.class).allowPackage("io.lamina.cache.spi.gadgetx").build();

        assertThatThrownBy(() -> codec.decode(json(gadgetOrder()), Order.class)).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> codec.decode(json(gadgetOrder().replace("Order", "x")), TypedOrder.class))
                .isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> codec.decode(json("{\"id\":\"o1\",\"payment\":{\"@class\":\"java.util.ArrayList<"
                + Gadget.class.getName() + ">\"}}"), Order.class)).isInstanceOf(CodecException.class);
        assertGadgetNeverRan();
    }

    @Test
    void anApplicationMapperWithDefaultTypingAndALaxValidator_doesNotLendThemToTheCodec() {
        ObjectMapper application = JsonMapper.builder()
                .polymorphicTypeValidator(LaissezFaireSubTypeValidator.instance)
                .activateDefaultTyping(LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.EVERYTHING)
                .build();
        JsonCodec codec = JsonCodec.builder().objectMapper(application).build();

        assertThatThrownBy(() -> codec.decode(json(gadgetOrder()), Order.class)).isInstanceOf(CodecException.class);
        assertThat(new String(codec.encode(new Card("4242"), Card.class), StandardCharsets.UTF_8))
                .as("no class names written for plain types").isEqualTo("{\"last4\":\"4242\"}");
        assertGadgetNeverRan();
    }

    @Test
    void anAllowedBaseType_roundTrips() {
        JsonCodec codec = JsonCodec.builder().allowSubtypesOf(Payment.class).build();
        TypedOrder order = new TypedOrder("o1", new Card("4242"));

        assertThat(codec.decode(codec.encode(order, TypedOrder.class), TypedOrder.class)).isEqualTo(order);
        assertThat(codec.decode(codec.encode(new Order("o2", new Card("1")), Order.class), Order.class))
                .isEqualTo(new Order("o2", new Card("1")));
    }

    @Test
    void anAllowedPackage_roundTrips_andIsMatchedAsAPackageNotAPrefix() {
        JsonCodec codec = JsonCodec.builder().allowPackage("io.lamina.cache.spi").build();
        Order order = new Order("o1", new Card("4242"));

        assertThat(codec.decode(codec.encode(order, Order.class), Order.class)).isEqualTo(order);

        JsonCodec prefixOnly = JsonCodec.builder().allowPackage("io.lamina.cache.sp").build();
        assertThatThrownBy(() -> prefixOnly.decode(json("{\"id\":\"o1\",\"payment\":{\"@class\":\"" + Card.class.getName()
                + "\",\"last4\":\"1\"}}"), Order.class)).isInstanceOf(CodecException.class);
    }

    @Test
    void encodingASubtypeThatIsNotAllowed_isRefused_withAMessageNamingTheOption() {
        JsonCodec codec = JsonCodec.create();

        assertThatThrownBy(() -> codec.encode(new TypedOrder("o1", new Card("4242")), TypedOrder.class))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining(TypedOrder.class.getTypeName())
                .hasMessageContaining("allowSubtypesOf");
    }

    @Test
    void tooBroadBaseTypesAndBadPackageNames_areRefused_withTheValue() {
        JsonCodec.Builder b = JsonCodec.builder();

        assertThatThrownBy(() -> b.allowSubtypesOf(Object.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> b.allowSubtypesOf(java.io.Serializable.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.io.Serializable");
        assertThatThrownBy(() -> b.allowSubtypesOf(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("baseType");
        for (String bad : new String[] {"", "com", "com.", ".com.acme", "com..acme", "com.acme.*", "com.acme Gadget"}) {
            assertThatThrownBy(() -> b.allowPackage(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"" + bad + "\"");
        }
        for (String jdk : new String[] {"java.util", "javax.naming", "jdk.internal", "sun.misc", "com.sun.rowset"}) {
            assertThatThrownBy(() -> b.allowPackage(jdk)).as(jdk)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JDK");
        }
        assertThatThrownBy(() -> b.allowPackage(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("packageName");
    }
}
