package io.lamina.cache.spring;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/** A parameterized type built from resolved parts; equal to the JDK's own for the same type. */
record ParameterizedTypeOf(Class<?> raw, Type[] arguments) implements ParameterizedType {

    @Override
    public Type[] getActualTypeArguments() {
        return arguments.clone();
    }

    @Override
    public Type getRawType() {
        return raw;
    }

    @Override
    public Type getOwnerType() {
        return raw.getDeclaringClass();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParameterizedType p && raw.equals(p.getRawType())
                && Objects.equals(getOwnerType(), p.getOwnerType()) && Arrays.equals(arguments, p.getActualTypeArguments());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(arguments) ^ Objects.hashCode(getOwnerType()) ^ raw.hashCode();
    }

    @Override
    public String toString() {
        return raw.getTypeName() + Arrays.stream(arguments).map(Type::getTypeName).collect(Collectors.joining(", ", "<", ">"));
    }
}
