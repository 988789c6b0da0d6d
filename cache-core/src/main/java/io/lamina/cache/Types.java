package io.lamina.cache;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Map;

/** Small reflection helpers shared by the public value types. */
final class Types {

    private static final Map<Class<?>, Class<?>> BOXES = Map.of(
            boolean.class, Boolean.class, byte.class, Byte.class, char.class, Character.class,
            short.class, Short.class, int.class, Integer.class, long.class, Long.class,
            float.class, Float.class, double.class, Double.class, void.class, Void.class);

    private Types() {
    }

    static Class<?> rawType(Type type) {
        if (type instanceof Class<?> c) {
            return c.isPrimitive() ? BOXES.get(c) : c;
        }
        if (type instanceof ParameterizedType p) {
            return rawType(p.getRawType());
        }
        if (type instanceof GenericArrayType a) {
            return rawType(a.getGenericComponentType()).arrayType();
        }
        if (type instanceof WildcardType w) {
            return rawType(w.getUpperBounds()[0]);
        }
        if (type instanceof TypeVariable<?> v) {
            return rawType(v.getBounds()[0]);
        }
        throw new IllegalArgumentException("unsupported type: " + type);
    }
}
