package io.lamina.demo.catalog;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the queries the repository really sends to the database, by kind. One instance may be shared by
 * several application contexts (the tour's two nodes share one database and one counter). Thread-safe.
 */
public final class QueryCounter {

    /** The kinds of statements the repository sends. */
    public enum Kind {
        /** one product by id */
        PRODUCT,
        /** the products of one category */
        CATEGORY,
        /** the stock level of one product */
        STOCK,
        /** an update of one product */
        UPDATE,
        /** the products of a list of ids (one statement for the whole list) */
        PAGE
    }

    private final Map<Kind, LongAdder> counts = new EnumMap<>(Kind.class);

    /** A counter at zero for every kind. */
    public QueryCounter() {
        for (Kind kind : Kind.values()) {
            counts.put(kind, new LongAdder());
        }
    }

    void record(Kind kind) {
        counts.get(kind).increment();
    }

    /**
     * @param kind a kind of statement, not null
     * @return how many statements of that kind were sent so far
     */
    public long count(Kind kind) {
        return counts.get(kind).sum();
    }

    /** @return how many statements of every kind were sent so far */
    public long total() {
        long sum = 0;
        for (LongAdder adder : counts.values()) {
            sum += adder.sum();
        }
        return sum;
    }
}
