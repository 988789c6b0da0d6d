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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
            bus.subscribe(channel, recording(events));
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

    @Test
    void aReplacedSubscription_deliversNothingMore_evenWithABacklogInFlight(RedisServer redis, @RedisNamespace String namespace)
            throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        String channel = namespace + ":bus";
        try (RedisTier tier = RedisTier.builder().uri(redis.uri()).commandTimeout(Duration.ofSeconds(5)).build()) {
            InvalidationBus bus = tier.bus();
            bus.subscribe(channel, recording(events));
            heardBack(bus, channel, events, new AtomicInteger());

            // a backlog for the subscription: Redis has taken every message, the subscriber reads them still
            int backlog = 50_000;
            int batch = 5_000;   // within the client's bounded request queue
            for (int from = 0; from < backlog; from += batch) {
                CompletableFuture<?>[] published = new CompletableFuture<?>[batch];
                for (int i = 0; i < batch; i++) {
                    published[i] = bus.heartbeat(channel, ("old" + (from + i)).getBytes(StandardCharsets.UTF_8)).toCompletableFuture();
                }
                CompletableFuture.allOf(published).get(20, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> events.contains("message old0"));

            bus.resubscribe();
            int replacedAt = events.size();
            heardBack(bus, channel, events, new AtomicInteger(backlog));

            List<String> after = events.subList(replacedAt, events.size());
            assertThat(after.stream().filter(e -> e.startsWith("message old")).count())
                    .as("messages of the replaced subscription delivered after resubscribe() returned (of %d events)", after.size())
                    .isLessThanOrEqualTo(1);   // one may have passed the check just as the subscription was replaced
        }
    }

    /** A listener that records each message and each gap, in order. */
    private static InvalidationBus.Listener recording(List<String> events) {
        return new InvalidationBus.Listener() {
            @Override
            public void onMessage(byte[] message) {
                events.add("message " + new String(message, StandardCharsets.UTF_8));
            }

            @Override
            public void onGap(String reason) {
                events.add("gap " + reason);
            }
        };
    }

    /** Publishes numbered messages until one of them is heard back, then one more, and waits for that one. */
    private static void heardBack(InvalidationBus bus, String channel, List<String> events, AtomicInteger sent) {
        int first = sent.get() + 1;
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            bus.heartbeat(channel, ("n" + sent.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
            return events.stream().anyMatch(e -> e.startsWith("message n") && Integer.parseInt(e.substring(9)) >= first);
        });
        String latest = "n" + sent.incrementAndGet();
        bus.heartbeat(channel, latest.getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("message " + latest));
    }

    private static int gaps(List<String> events) {
        return (int) events.stream().filter(e -> e.startsWith("gap ")).count();
    }
}
