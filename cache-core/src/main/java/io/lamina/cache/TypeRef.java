package io.lamina.cache;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * Captures a generic value type for {@code remember}: {@code new TypeRef<List<Product>>() {}}.
 *
 * <p>The type is read from the anonymous subclass once, when it is created; keep the instance in a
 * constant to avoid doing it per call. Instances are immutable and thread-safe.
 *
 * @param <T> the captured type
 */
public abstract class TypeRef<T> {

    private final Type type;
    private final Class<?> rawType;

    protected TypeRef() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType parameterized)) {
            throw new IllegalArgumentException("TypeRef must be created with a type argument: new TypeRef<List<Product>>() {}");
        }
        this.type = parameterized.getActualTypeArguments()[0];
        this.rawType = Types.rawType(type);
    }

    private TypeRef(Type type) {
        this.type = Objects.requireNonNull(type, "type");
        this.rawType = Types.rawType(type);
    }

    /** A TypeRef for a type obtained by reflection, such as a method's generic return type. */
    public static TypeRef<Object> of(Type type) {
        return new TypeRef<>(type) { };
    }

    /** The captured type. */
    public Type type() {
        return type;
    }

    /** The erasure of the captured type, used for cheap instance checks of L1 hits. */
    public Class<?> rawType() {
        return rawType;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TypeRef<?> ref && ref.type.equals(type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public String toString() {
        return "TypeRef<" + type.getTypeName() + ">";
    }
}
