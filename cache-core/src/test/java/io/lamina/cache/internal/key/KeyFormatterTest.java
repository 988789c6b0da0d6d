package io.lamina.cache.internal.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.CacheKey;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KeyFormatterTest {

    private final KeyFormatter keys = new KeyFormatter(KeyFormatter.DEFAULT_MAX_LENGTH);

    record OrderKey(long tenant, String orderId) {
    }

    record Nested(OrderKey order, List<Integer> lines) {
    }

    enum Color { RED }

    @Test
    void scalars_formatAsTheirStableStrings() {
        assertThat(keys.format("abc")).isEqualTo("abc");
        assertThat(keys.format(42)).isEqualTo("42");
        assertThat(keys.format(42L)).isEqualTo("42");
        assertThat(keys.format(new BigDecimal("1.50"))).isEqualTo("1.50");
        assertThat(keys.format(true)).isEqualTo("true");
        assertThat(keys.format(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))).isEqualTo("123e4567-e89b-12d3-a456-426614174000");
        assertThat(keys.format(Color.RED)).isEqualTo("RED");
        assertThat(keys.format(LocalDate.of(2026, 1, 2))).isEqualTo("2026-01-02");
        assertThat(keys.format(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void compositeKeys_formatRecursively() {
        String prefix = KeyFormatterTest.class.getName() + "$";
        assertThat(keys.format(new OrderKey(7, "A-1"))).isEqualTo(prefix + "OrderKey(7,A-1)");
        assertThat(keys.format(List.of(1, "x", 3L))).isEqualTo("[1,x,3]");
        assertThat(keys.format(new Nested(new OrderKey(1, "o"), List.of(1, 2))))
                .isEqualTo(prefix + "Nested(" + prefix + "OrderKey(1,o),[1,2])");
    }

    @Test
    void redisSpecialCharacters_areEscaped() {
        assertThat(keys.format("a*b?c[d]e{f}g\\h")).isEqualTo("a%2Ab%3Fc%5Bd%5De%7Bf%7Dg%5Ch");
        assertThat(keys.format("50% off")).isEqualTo("50%25%20off");
        assertThat(keys.format("line\nbreak")).isEqualTo("line%0Abreak");
        assertThat(keys.format("{slot}")).doesNotContain("{").doesNotContain("}");
    }

    @Test
    void aStringCannotImitateACompositeOrAHashedKey() {
        assertThat(keys.format("OrderKey(7,A-1)")).isNotEqualTo(keys.format(new OrderKey(7, "A-1")));
        assertThat(keys.format("[1,2]")).isNotEqualTo(keys.format(List.of(1, 2)));
        assertThat(keys.format(new OrderKey(1, "a,b"))).isNotEqualTo(keys.format(List.of(new OrderKey(1, "a"), "b")));
        String hashed = keys.format("x".repeat(500));
        assertThat(keys.format(hashed)).isNotEqualTo(hashed);
    }

    @Test
    void overLongKeys_areHashedToAFixedLength_stably() {
        String longKey = "k".repeat(10_000);
        String formatted = keys.format(longKey);
        assertThat(formatted).startsWith("#").hasSize(44);
        assertThat(keys.format("k".repeat(10_000))).isEqualTo(formatted);
        assertThat(keys.format("k".repeat(9_999) + "j")).isNotEqualTo(formatted);
        assertThat(keys.format("k".repeat(200))).hasSize(200);
    }

    @Test
    void customCacheKey_isUsedAndEscaped() {
        CacheKey key = () -> "tenant:1/user*";
        assertThat(keys.format(key)).isEqualTo("tenant:1/user%2A");
    }

    @Test
    void typesWithoutAStableForm_areRejectedWithAClearMessage() {
        assertThatThrownBy(() -> keys.format(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object").hasMessageContaining("no stable string form");
        assertThatThrownBy(() -> keys.format(new int[] {1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("array");
        assertThatThrownBy(() -> keys.format(Set.of(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no stable order");
        assertThatThrownBy(() -> keys.format(Map.of(1, 2))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.format(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> keys.format(new OrderKey(1, null))).isInstanceOf(NullPointerException.class);
    }

    static final class Billing {
        record Key(String id) {
        }
    }

    static final class Shipping {
        record Key(String id) {
        }
    }

    @Test
    void recordsWithTheSameSimpleName_inDifferentTypes_nameDifferentEntries() {
        String billing = keys.format(new Billing.Key("1"));
        String shipping = keys.format(new Shipping.Key("1"));
        assertThat(billing).isNotEqualTo(shipping);
        assertThat(billing).isEqualTo(Billing.Key.class.getName() + "(1)");
        assertThat(keys.format(List.of(new Billing.Key("1")))).isNotEqualTo(keys.format(List.of(new Shipping.Key("1"))));
    }

    @Test
    void loneSurrogates_areRefused_pairedOnesKept() {
        assertThatThrownBy(() -> keys.format("x\uD800")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate").hasMessageContaining("U+D800").hasMessageContaining("index 1");
        assertThatThrownBy(() -> keys.format("x\uDC00")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+DC00");
        assertThatThrownBy(() -> keys.format("\uDC00\uD800")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.format(new OrderKey(1, "a\uD800"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.format((CacheKey) () -> "\uD83D")).isInstanceOf(IllegalArgumentException.class);
        assertThat(keys.format("smile\uD83D\uDE00")).isEqualTo("smile\uD83D\uDE00");
    }

    @Test
    void theEmptyKey_isRefused_andAnEmptyComponentIsNotAnEmptyList() {
        assertThatThrownBy(() -> keys.format("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> keys.format((CacheKey) () -> "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThat(keys.format(List.of(""))).isNotEqualTo(keys.format(List.of()));
        assertThat(keys.format(List.of(List.of("")))).isNotEqualTo(keys.format(List.of(List.of())));
        assertThat(keys.format(List.of("", ""))).isNotEqualTo(keys.format(List.of("")));
        assertThat(keys.format(new OrderKey(1, ""))).isNotEqualTo(keys.format(new OrderKey(1, "%")));
    }

    @Test
    void tags_withUnpairedSurrogates_areRefused() {
        assertThatThrownBy(() -> Names.checkTag("t\uD800", 256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate");
        assertThat(Names.checkTag("t\uD83D\uDE00", 256)).isEqualTo("t\uD83D\uDE00");
    }

    @Test
    void names_acceptSafeCharactersOnly() {
        assertThat(Names.checkName("cache name", "products.v2_x-1")).isEqualTo("products.v2_x-1");
        assertThatThrownBy(() -> Names.checkName("cache name", "a:b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cache name").hasMessageContaining("':'");
        assertThatThrownBy(() -> Names.checkName("namespace", "{x}")).hasMessageContaining("namespace");
        assertThatThrownBy(() -> Names.checkName("namespace", "  ")).hasMessageContaining("blank");
        assertThatThrownBy(() -> Names.checkName("namespace", "n".repeat(65))).hasMessageContaining("64");
    }
}
