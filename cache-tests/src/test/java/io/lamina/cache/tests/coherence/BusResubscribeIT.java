package io.lamina.cache.tests.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.spi.InvalidationBus;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bus's report of a replaced subscription (CI once saw two reconnects and an extra L1 flush after one Redis
 * outage): the gap is reported before the new subscription exists, so a heartbeat the new subscription hears back
 * proves it, and no late "subscribed" signal ends that proof a moment later.
 */
@RedisTest
@Timeout(30)
class BusResubscribeIT {

    @Test
    void aResubscription_reportsItsGapBeforeTheNewSubscriptionDeliversAnything(RedisServer redis, @RedisNamespace String namespace) {
        List<String> events = new CopyOnWriteArrayList<>();
        String channel = namespace + ":bus";
        try (RedisTier tier = RedisTier.builder().uri(redis.uri()).commandTimeout(Duration.ofMillis(500)).build()) {
            InvalidationBus bus = tier.bus();
            bus.subscribe(channel, new InvalidationBus.Listener() {
                @Override
                public void onMessage(byte[] message) {
                    events.add("message " + new String(message, StandardCharsets.UTF_8));
                }

                @Override
                public void onGap(String reason) {
                    events.add("gap " + reason);
                }
            });
            AtomicInteger sent = new AtomicInteger();
            heardBack(bus, channel, events, sent);

            for (int round = 0; round < 5; round++) {
                events.clear();
                bus.resubscribe();
                int gapsReported = gaps(events);
                heardBack(bus, channel, events, sent);   // the new subscription works

                assertThat(gapsReported).as("round %d: the gap is reported while resubscribe() runs: %s", round, events)
                        .isPositive();
                assertThat(gaps(events)).as("round %d: and never after it returned: %s", round, events)
                        .isEqualTo(gapsReported);
            }
        }
    }

    /** Publishes numbered messages until one is heard back, then one more, and waits for that one. */
    private static void heardBack(InvalidationBus bus, String channel, List<String> events, AtomicInteger sent) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            bus.heartbeat(channel, ("n" + sent.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
            return events.stream().anyMatch(e -> e.startsWith("message "));
        });
        String latest = "n" + sent.incrementAndGet();
        bus.heartbeat(channel, latest.getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("message " + latest));
    }

    private static int gaps(List<String> events) {
        return (int) events.stream().filter(e -> e.startsWith("gap ")).count();
    }
}
