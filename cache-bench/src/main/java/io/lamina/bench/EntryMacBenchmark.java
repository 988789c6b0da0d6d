package io.lamina.bench;

import io.lamina.cache.internal.envelope.EntrySigner;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.spi.RemoteKey;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The HMAC-SHA256 of one stored entry alone (no Redis), per payload size: {@code sign} is what a fill adds,
 * {@code verify} what every L2 read adds on a template with a signing key.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EntryMacBenchmark {

    @Param({"100", "1000", "10000", "100000"})
    public int payloadBytes;

    private final RemoteKey where = new RemoteKey("bench", "products", "42");
    private EntrySigner signer;
    private byte[] envelope;
    private byte[] signed;

    @Setup
    public void setUp() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        signer = EntrySigner.of(key, List.of());
        envelope = new Envelope(1, 2, false, 7, List.of("\u0001cache:products"), new long[] {1}, new byte[payloadBytes]).encode();
        signed = signer.sign(where, envelope);
    }

    @Benchmark
    public byte[] sign() {
        return signer.sign(where, envelope);
    }

    @Benchmark
    public String verify() {
        String failure = signer.verify(where, signed);
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return failure;
    }
}
