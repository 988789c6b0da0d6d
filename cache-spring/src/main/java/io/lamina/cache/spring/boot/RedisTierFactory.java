package io.lamina.cache.spring.boot;

import io.lamina.cache.redis.RedisTier;
import java.nio.file.Path;

/**
 * Builds a {@link RedisTier} from resolved settings, started in the background ({@link RedisTier.Builder#backgroundStart}).
 * Loaded only when cache-redis is on the classpath.
 */
final class RedisTierFactory {

    private RedisTierFactory() {
    }

    /** @throws IllegalArgumentException naming the property that holds a malformed URI or certificate file */
    static RedisTier build(LaminaRedisSettings s) {
        // the context goes on starting while Lettuce's client is built; the template serves from L1 until it is ready
        RedisTier.Builder b = RedisTier.builder().backgroundStart(true);
        TemplateFromProperties.apply(s.source(), () -> {
            if (s.cluster()) {
                b.cluster(s.uris());
            } else {
                b.uri(s.uris().get(0));
            }
        });
        if (s.username() != null) {
            b.username(s.username());
        }
        if (s.password() != null) {
            b.password(s.password());
        }
        if (s.trustedCertificates() != null) {
            TemplateFromProperties.apply("lamina.cache.redis.trusted-certificates",
                    () -> b.trustedCertificates(Path.of(s.trustedCertificates())));
        }
        if (s.connectTimeout() != null) {
            b.connectTimeout(s.connectTimeout());
        }
        if (s.commandTimeout() != null) {
            b.commandTimeout(s.commandTimeout());
        }
        if (s.lockLease() != null) {
            b.lockLease(s.lockLease());
        }
        if (s.sentinelPassword() != null) {
            b.sentinelCredentials(s.sentinelUsername(), s.sentinelPassword());
        }
        if (s.topologyRefresh() != null) {
            b.topologyRefresh(s.topologyRefresh());
        }
        if (s.failoverReplay() != null) {
            b.failoverReplay(s.failoverReplay());
        }
        if (s.linkCheck() != null) {
            b.linkCheck(s.linkCheck());
        }
        if (s.maxValueSize() != null) {
            b.maxValueSize(s.maxValueSize());
        }
        return b.build();
    }
}
