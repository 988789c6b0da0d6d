package io.lamina.demo.tour;

import java.time.Duration;

/**
 * How big the tour's steps are. {@link #full()} is what the README's run command shows (under a minute);
 * {@link #quick()} is the same script, smaller, run by the test command (well under 30 s).
 *
 * @param name                name shown in the header
 * @param missingLookups      lookups of ids that do not exist (penetration)
 * @param missingIds          how many distinct missing ids those lookups cycle through
 * @param stampedeCallers     concurrent callers of one cold key, half on each node (breakdown)
 * @param stampedeLatency     how long that key's database query takes
 * @param avalancheKeys       keys loaded at one instant in each avalanche cache
 * @param avalancheDuration   how long traffic runs over them
 * @param avalancheWindow     one row of the avalanche table
 * @param outageHotKeys       keys cached before Redis is killed
 * @param outageColdKeys      keys first read while Redis is down
 * @param queryLatency        extra time of every other database read
 */
public record TourOptions(String name, int missingLookups, int missingIds, int stampedeCallers,
        Duration stampedeLatency, int avalancheKeys, Duration avalancheDuration, Duration avalancheWindow,
        int outageHotKeys, int outageColdKeys, Duration queryLatency) {

    /** @return the tour of the README's run command */
    public static TourOptions full() {
        return new TourOptions("full", 10_000, 100, 400, Duration.ofMillis(300), 150, Duration.ofSeconds(10),
                Duration.ofSeconds(1), 100, 40, Duration.ofMillis(10));
    }

    /** @return the tour of the test command */
    public static TourOptions quick() {
        return new TourOptions("quick", 10_000, 100, 200, Duration.ofMillis(200), 100, Duration.ofSeconds(5),
                Duration.ofMillis(500), 50, 20, Duration.ofMillis(10));
    }
}
