package io.lamina.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.TypeRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

    record Product(long id, String name, Instant created, Optional<String> note) {
    }

    private final JsonCodec codec = JsonCodec.create();

    record Job(String name, Runnable task) {
    }

    /** A bean whose lambda-valued property Jackson can read back from {@code {}} (so a read-back cannot catch it). */
    public static final class Task {
        private Object action;

        public Object getAction() {
            return action;
        }

        public void setAction(Object action) {
            this.action = action;
        }
    }

    @Test
    void aValueHoldingALambda_isNotEncoded_evenAfterAValueOfItsTypeRoundTripped() {
        // the first Job round-trips (no lambda): the read-back check passes once for the type
        codec.encode(new Job("ok", null), Job.class);
        Runnable r = () -> { };
        assertThatThrownBy(() -> codec.encode(new Job("a", r), Job.class)).isInstanceOf(CodecException.class)
                .hasMessageContaining("lambda").hasMessageContaining("task");
        Task t = new Task();
        t.setAction((Runnable) () -> { });
        assertThatThrownBy(() -> codec.encode(t, Task.class)).isInstanceOf(CodecException.class).hasMessageContaining("lambda");
        // values without one are still encoded
        Task plain = new Task();
        plain.setAction("run");
        assertThat(new String(codec.encode(plain, Task.class), StandardCharsets.UTF_8)).isEqualTo("{\"action\":\"run\"}");
    }

    @Test
    void aValueJacksonWritesAsAnEmptyObject_isNotEncoded_evenWithAnApplicationMapperThatAllowsIt() {
        com.fasterxml.jackson.databind.ObjectMapper lenient = new com.fasterxml.jackson.databind.ObjectMapper()
                .disable(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS);
        JsonCodec fromApp = JsonCodec.builder().objectMapper(lenient).build();
        Task t = new Task();
        t.setAction(new Object());
        assertThatThrownBy(() -> fromApp.encode(t, Task.class)).isInstanceOf(CodecException.class);
        Task l = new Task();
        l.setAction((Runnable) () -> { });
        assertThatThrownBy(() -> fromApp.encode(l, Task.class)).isInstanceOf(CodecException.class).hasMessageContaining("lambda");
    }

    @Test
    void roundTrips_recordsAndGenericTypes() {
        Product p = new Product(1, "a", Instant.parse("2026-01-01T00:00:00Z"), Optional.of("n"));
        assertThat(codec.decode(codec.encode(p, Product.class), Product.class)).isEqualTo(p);

        TypeRef<List<Product>> list = new TypeRef<>() { };
        assertThat(codec.decode(codec.encode(List.of(p, p), list.type()), list.type())).isEqualTo(List.of(p, p));

        TypeRef<Map<String, Integer>> map = new TypeRef<>() { };
        assertThat(codec.decode(codec.encode(Map.of("a", 1), map.type()), map.type())).isEqualTo(Map.of("a", 1));
    }

    @Test
    void storedBytes_holdNoClassNames() {
        String json = new String(codec.encode(new Product(1, "a", Instant.EPOCH, Optional.empty()), Product.class), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("io.lamina").doesNotContain("@class").doesNotContain("Product");
    }

    @Test
    void decode_usesOnlyTheCallersType_evenIfTheBytesNameAClass() {
        byte[] hostile = "[\"java.net.URL\",\"http://example.invalid\"]".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(hostile, Product.class)).isInstanceOf(CodecException.class);
        Object asList = codec.decode(hostile, List.class);
        assertThat(asList).isEqualTo(List.of("java.net.URL", "http://example.invalid"));
    }

    @Test
    void corruptBytes_andMismatchedShapes_areCodecExceptions() {
        assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xff, 0x00, 0x13}, Product.class)).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> codec.decode("{\"id\":1,\"unknown\":2}".getBytes(StandardCharsets.UTF_8), Product.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("unknown");
        assertThatThrownBy(() -> codec.decode("{\"id\":1} trailing".getBytes(StandardCharsets.UTF_8), Product.class))
                .isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> codec.decode("null".getBytes(StandardCharsets.UTF_8), Product.class))
                .isInstanceOf(CodecException.class);
    }

    @Test
    void sizeLimit_isCheckedBeforeDecoding_andOnEncoding() {
        JsonCodec small = JsonCodec.builder().maxBytes(16).build();
        assertThatThrownBy(() -> small.decode(new byte[17], Product.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("maxBytes 16");
        assertThatThrownBy(() -> small.encode("x".repeat(100), String.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("maxBytes 16");
    }

    @Test
    void nestingLimit_isEnforced() {
        JsonCodec shallow = JsonCodec.builder().maxDepth(10).build();
        String deep = "[".repeat(50) + "]".repeat(50);
        assertThatThrownBy(() -> shallow.decode(deep.getBytes(StandardCharsets.UTF_8), Object.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("depth");
    }

    @Test
    void lenientMode_ignoresUnknownProperties() {
        JsonCodec lenient = JsonCodec.builder().failOnUnknownProperties(false).build();
        Product p = (Product) lenient.decode("{\"id\":1,\"name\":\"a\",\"extra\":true}".getBytes(StandardCharsets.UTF_8), Product.class);
        assertThat(p.id()).isEqualTo(1);
    }

    @Test
    void badLimits_areRejected() {
        assertThatThrownBy(() -> JsonCodec.builder().maxBytes(0)).hasMessageContaining("maxBytes");
        assertThatThrownBy(() -> JsonCodec.builder().maxDepth(-1)).hasMessageContaining("maxDepth");
    }

    @Test
    void aRange_decodesAsTheSameBytesAlone_withTheLimitOnTheRange() {
        Product p = new Product(1, "a", Instant.parse("2026-01-01T00:00:00Z"), Optional.empty());
        byte[] json = codec.encode(p, Product.class);
        byte[] framed = new byte[json.length + 7];
        System.arraycopy(json, 0, framed, 5, json.length);
        framed[0] = 'x';
        framed[framed.length - 1] = '}';   // bytes around the range are never read
        assertThat(codec.decode(framed, 5, json.length, Product.class)).isEqualTo(p);
        assertThatThrownBy(() -> codec.decode(framed, 5, json.length + 1, Product.class)).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> codec.decode(framed, 5, framed.length, Product.class)).isInstanceOf(IndexOutOfBoundsException.class);

        JsonCodec small = JsonCodec.builder().maxBytes(16).build();
        assertThatThrownBy(() -> small.decode(new byte[40], 10, 17, Product.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("17 bytes");
    }
}
