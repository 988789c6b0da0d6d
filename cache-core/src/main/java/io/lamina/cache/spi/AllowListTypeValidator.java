package io.lamina.cache.spi;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@link JsonCodec}'s validator of class names read from the bytes: denies every class except subtypes of the allowed
 * base types and classes of the allowed packages.
 *
 * <p>Unlike Jackson's {@code BasicPolymorphicTypeValidator}, a name is decided before Jackson loads the class, so a
 * denied class is never initialized (no static initializer runs), let alone constructed: package rules match the
 * name; base-type rules look the class up without initializing it. Only plain binary class names can be allowed:
 * generic ({@code java.util.ArrayList<...>}) and array ids are denied, since their type arguments would name classes
 * no rule looked at.
 */
final class AllowListTypeValidator extends PolymorphicTypeValidator.Base {

    private static final long serialVersionUID = 1L;
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

    private final transient List<Class<?>> baseTypes;
    /** Each ends with a dot, so "com.acme." does not allow "com.acmeevil.Gadget". */
    private final List<String> packagePrefixes;

    AllowListTypeValidator(List<Class<?>> baseTypes, List<String> packages) {
        this.baseTypes = List.copyOf(baseTypes);
        this.packagePrefixes = packages.stream().map(p -> p + ".").toList();
    }

    @Override
    public Validity validateBaseType(MapperConfig<?> config, JavaType baseType) {
        return Validity.INDETERMINATE;
    }

    @Override
    public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
        if (subClassName == null || !CLASS_NAME.matcher(subClassName).matches()) {
            return Validity.DENIED;
        }
        if (inAllowedPackage(subClassName)) {
            return Validity.ALLOWED;
        }
        if (baseTypes.isEmpty()) {
            return Validity.DENIED;
        }
        Class<?> found;
        try {
            found = Class.forName(subClassName, false, loader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Validity.DENIED;
        }
        return allowedType(found) ? Validity.ALLOWED : Validity.DENIED;
    }

    @Override
    public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
        Class<?> raw = subType.getRawClass();
        return inAllowedPackage(raw.getName()) || allowedType(raw) ? Validity.ALLOWED : Validity.DENIED;
    }

    private boolean inAllowedPackage(String className) {
        for (String prefix : packagePrefixes) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private boolean allowedType(Class<?> type) {
        for (Class<?> base : baseTypes) {
            if (base.isAssignableFrom(type)) {
                return true;
            }
        }
        return false;
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : AllowListTypeValidator.class.getClassLoader();
    }
}
