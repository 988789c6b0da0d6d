package io.lamina.cache.spring.boot;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.CacheTemplateBuilder;
import io.lamina.cache.spi.RemoteTier;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns {@link LaminaCacheProperties} into a {@link CacheTemplate}. Every value is checked here, before the
 * builder sees it, so a bad value fails startup with the name of the property that holds it.
 */
final class TemplateFromProperties {

    static final String PREFIX = "lamina.cache";

    private TemplateFromProperties() {
    }

    /** Builds the template; {@code remote} may be null (L1 only). */
    static CacheTemplate build(LaminaCacheProperties properties, RemoteTier remote) {
        return build(properties, remote, java.util.List.of());
    }

    /** Builds the template, applying {@code customizers} last; {@code remote} may be null (L1 only). */
    static CacheTemplate build(LaminaCacheProperties properties, RemoteTier remote,
            Iterable<LaminaCacheTemplateCustomizer> customizers) {
        CacheTemplateBuilder builder = CacheTemplate.builder();
        apply(PREFIX + ".namespace", () -> builder.namespace(properties.getNamespace()));
        builder.defaults(options(PREFIX + ".defaults", properties.getDefaults()));
        for (Map.Entry<String, LaminaCacheProperties.Options> cache : properties.getCaches().entrySet()) {
            String property = PREFIX + ".caches." + cache.getKey();
            CacheOptions options = options(property, cache.getValue());
            apply(property, () -> builder.cache(cache.getKey(), options));
        }
        Duration tagTtl = Checks.positive(PREFIX + ".tag-ttl", properties.getTagTtl());
        apply(PREFIX + ".tag-ttl", () -> builder.tagTtl(tagTtl));
        Duration busCheck = Checks.positive(PREFIX + ".bus-check-interval", properties.getBusCheckInterval());
        apply(PREFIX + ".bus-check-interval", () -> builder.busCheckInterval(busCheck));
        LaminaCacheProperties.LoaderPool pool = properties.getLoaderPool();
        apply(PREFIX + ".loader-pool", () -> builder.loaderPool(pool.getThreads(), pool.getQueue()));
        builder.requireDeclaredCaches(properties.isRequireDeclaredCaches());
        signing(builder, properties.getSigning());
        if (remote != null) {
            builder.remote(remote);
        }
        customizers.forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /** {@code lamina.cache.signing.*}: messages name the property, never a byte of a key. */
    private static void signing(CacheTemplateBuilder builder, LaminaCacheProperties.Signing signing) {
        String keyProperty = PREFIX + ".signing.key";
        String acceptedProperty = PREFIX + ".signing.accepted-keys";
        java.util.List<String> accepted = signing.getAcceptedKeys() == null ? java.util.List.of() : signing.getAcceptedKeys();
        if (signing.getKey() == null) {
            if (!accepted.isEmpty()) {
                throw new IllegalArgumentException(acceptedProperty + " is set without " + keyProperty
                        + ": the current key signs, accepted keys are only read");
            }
            return;
        }
        byte[] key = Checks.base64Key(keyProperty, signing.getKey());
        apply(keyProperty, () -> builder.signingKey(key));
        byte[][] old = new byte[accepted.size()][];
        for (int i = 0; i < old.length; i++) {
            old[i] = Checks.base64Key(acceptedProperty + "[" + i + "]", accepted.get(i));
        }
        apply(acceptedProperty, () -> builder.acceptedSigningKeys(old));
    }

    /** The options under {@code property} (such as {@code lamina.cache.caches.products}); unset stays unset. */
    static CacheOptions options(String property, LaminaCacheProperties.Options o) {
        if (o == null) {
            return CacheOptions.inherit();
        }
        CacheOptions.Builder b = CacheOptions.builder();
        set(o.getTtl(), v -> b.ttl(Checks.positive(property + ".ttl", v)));
        set(o.getNullTtl(), v -> b.nullTtl(Checks.positive(property + ".null-ttl", v)));
        set(o.getCacheNulls(), b::cacheNulls);
        set(o.getJitter(), v -> b.jitter(Checks.notNegative(property + ".jitter", v)));
        set(o.getMaximumSize(), v -> {
            if (v <= 0) {
                throw new IllegalArgumentException(property + ".maximum-size must be positive, got " + v);
            }
            b.maximumSize(v);
        });
        set(o.getL1Ttl(), v -> b.l1Ttl(Checks.positive(property + ".l1-ttl", v)));
        if (o.getRefreshAhead() != null && o.getRefreshAfter() != null) {
            throw new IllegalArgumentException(property + ".refresh-ahead and " + property
                    + ".refresh-after are both set; set one of them");
        }
        set(o.getRefreshAhead(), v -> {
            if (!(v > 0.0 && v < 1.0)) {
                throw new IllegalArgumentException(property + ".refresh-ahead must be a fraction in (0, 1), got " + v);
            }
            b.refreshAhead(v);
        });
        set(o.getRefreshAfter(), v -> b.refreshAfter(Checks.positive(property + ".refresh-after", v)));
        set(o.getFailSafe(), v -> b.failSafe(Checks.notNegative(property + ".fail-safe", v)));
        set(o.getFailSafeThrottle(), v -> b.failSafeThrottle(Checks.positive(property + ".fail-safe-throttle", v)));
        set(o.getSoftTimeout(), v -> b.softTimeout(Checks.positive(property + ".soft-timeout", v)));
        set(o.getHardTimeout(), v -> b.hardTimeout(Checks.positive(property + ".hard-timeout", v)));
        set(o.getLockWait(), v -> b.lockWait(Checks.positive(property + ".lock-wait", v)));
        set(o.getOnLockTimeout(), b::onLockTimeout);
        set(o.getL1Enabled(), b::l1Enabled);
        if (o.getSoftTimeout() != null && o.getHardTimeout() != null
                && o.getSoftTimeout().compareTo(o.getHardTimeout()) >= 0) {
            throw new IllegalArgumentException(property + ".soft-timeout (" + o.getSoftTimeout()
                    + ") must be shorter than " + property + ".hard-timeout (" + o.getHardTimeout() + ")");
        }
        return b.build();
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /** Runs a builder call, naming {@code property} in the message of the IllegalArgumentException it throws. */
    static void apply(String property, Runnable call) {
        try {
            call.run();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(property + " is invalid: " + e.getMessage(), e);
        }
    }
}
