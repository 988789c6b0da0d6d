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
        }
    }
}
