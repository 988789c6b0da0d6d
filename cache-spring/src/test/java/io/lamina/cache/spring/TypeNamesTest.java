package io.lamina.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.TypeRef;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypeNamesTest {

    private static final ClassLoader LOADER = TypeNamesTest.class.getClassLoader();

    @Test
    void aClassName_isThatClass() {
        assertThat(TypeNames.parse("java.lang.String", LOADER)).isEqualTo(String.class);
    }

    @Test
    void aGenericType_equalsTheJdksOwn() {
        assertThat(TypeNames.parse("java.util.List<io.lamina.cache.spring.Product>", LOADER))
                .isEqualTo(new TypeRef<List<Product>>() {}.type());
        assertThat(TypeNames.parse(" java.util.Map< java.lang.String , java.util.List<java.math.BigDecimal> > ", LOADER))
                .isEqualTo(new TypeRef<Map<String, List<BigDecimal>>>() {}.type());
    }

    @Test
    void arrays_andNestedClasses_withDotOrDollar() {
        assertThat(TypeNames.parse("byte[]", LOADER)).isEqualTo(byte[].class);
        assertThat(TypeNames.parse("io.lamina.cache.spring.Product[]", LOADER)).isEqualTo(Product[].class);
        assertThat(TypeNames.parse("java.util.Map.Entry<java.lang.String, java.lang.Long>", LOADER))
                .isEqualTo(new TypeRef<Map.Entry<String, Long>>() {}.type());
        assertThat(TypeNames.parse("io.lamina.cache.spring.TypeNamesTest$Nested", LOADER)).isEqualTo(Nested.class);
        assertThat(TypeNames.parse("io.lamina.cache.spring.TypeNamesTest.Nested", LOADER)).isEqualTo(Nested.class);
    }

    @Test
    void mistakes_areNamedInTheMessage() {
        assertThatThrownBy(() -> TypeNames.parse("com.example.Nope", LOADER)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("class com.example.Nope not found");
        assertThatThrownBy(() -> TypeNames.parse("java.util.List<java.lang.String", LOADER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'>'");
        assertThatThrownBy(() -> TypeNames.parse("java.util.Map<java.lang.String>", LOADER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.util.Map takes 2 type arguments, got 1");
        assertThatThrownBy(() -> TypeNames.parse("java.util.List<? extends java.lang.Number>", LOADER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wildcard");
        assertThatThrownBy(() -> TypeNames.parse("java.lang.String<java.lang.Long>", LOADER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes 0 type arguments");
        assertThatThrownBy(() -> TypeNames.parse("", LOADER)).isInstanceOf(IllegalArgumentException.class);
    }

    static final class Nested {
    }
}
