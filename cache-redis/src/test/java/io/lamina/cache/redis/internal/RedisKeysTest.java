package io.lamina.cache.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.spi.RemoteKey;
import org.junit.jupiter.api.Test;

class RedisKeysTest {

    @Test
    void entryBytes_areTheUtf8BytesOfTheEntryName_forAsciiAndOtherKeys() {
        for (String key : new String[] {"42", "", "user@example.com", "café", "日本", "a\\u0000b"}) {
            RemoteKey rk = new RemoteKey("shop", "products", key);
            assertThat(RedisKeys.entryBytes(rk)).as(key).isEqualTo(RedisKeys.bytes(RedisKeys.entry(rk)));
            assertThat(RedisKeys.leaseBytes(rk)).as(key).isEqualTo(RedisKeys.bytes(RedisKeys.lease(rk)));
        }
    }

    @Test
    void entryBytes_ofKeysInTurnsOfCachesAndNamespaces_eachNameItsOwnEntry() {
        // the prefix of the last page is reused: keys of other caches, namespaces and non-ASCII names in between
        String[][] names = {{"shop", "products"}, {"shop", "orders"}, {"other", "products"}, {"shop", "caf\u00e9"},
                {"shop", "products"}, {"n\u00e9", "products"}, {"shop", "products"}};
        for (String[] n : names) {
            for (String key : new String[] {"7", "caf\u00e9", ""}) {
                RemoteKey rk = new RemoteKey(n[0], n[1], key);
                assertThat(RedisKeys.entryBytes(rk)).as(rk.toString()).isEqualTo(RedisKeys.bytes(RedisKeys.entry(rk)));
            }
        }
    }
}
