package io.lamina.cache.redis.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What this JVM knows of each Redis primary's clock, for fencing writes: a lower bound of the primary's clock minus
 * this JVM's monotonic clock, learned from the {@code TIME} that scripts return. A reply stamped {@code t} (server
 * microseconds) received at local time {@code r} proves the offset is at least {@code t - r}: the server read its
 * clock before the reply left. So a write sent at local time {@code s} with a command timeout {@code w} is given the
 * deadline {@code s + bound + w} in the server's clock, which the server reaches no later than the moment the caller's
 * timeout fires: a write the server runs after its deadline is one whose caller may have been told it failed, and the
 * script refuses it. Samples are kept per route (a Cluster's primaries have their own clocks); the highest bound
 * of the last {@link #WINDOW} is used, and a route's samples are forgotten when its server may have changed.
 */
final class ServerClocks {

    /** How long a sample is used before a newer one (even a looser one) replaces it. */
    static final Duration WINDOW = Duration.ofSeconds(30);

    private record Sample(long offsetMicros, long takenNanos) {
    }

    private final Map<String, Sample> byRoute = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    ServerClocks(LongSupplier nanos) {
        this.nanos = nanos;
    }

    long now() {
        return nanos.getAsLong();
    }

    /** Records a server time (microseconds) in a reply received at local time {@code receivedNanos}. */
    void sample(String route, long serverMicros, long receivedNanos) {
        long offset = serverMicros - receivedNanos / 1_000;
        byRoute.merge(route, new Sample(offset, receivedNanos), (old, fresh) ->
                fresh.offsetMicros() >= old.offsetMicros() || fresh.takenNanos() - old.takenNanos() > WINDOW.toNanos() ? fresh : old);
    }

    /**
     * The deadline, in the server's microseconds, of a write sent now on {@code route} with a command timeout of
     * {@code timeout}; -1 when this route's clock is not known yet.
     */
    long deadline(String route, Duration timeout) {
        Sample s = byRoute.get(route);
        if (s == null) {
            return -1;
        }
        return nanos.getAsLong() / 1_000 + s.offsetMicros() + timeout.toNanos() / 1_000;
    }

    /** Forgets every route's samples (the servers behind the routes may have changed: a failover). */
    void forget() {
        byRoute.clear();
    }
}
