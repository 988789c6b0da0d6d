package io.lamina.cache.redis.internal;

/**
 * The Lua scripts of the fill lease (memcache-style leases: a fill succeeds only while the load's lease
 * is current; a put or an invalidation ends the lease). Each touches only keys of one hash tag.
 */
final class Scripts {

    /** KEYS: entry, lease. ARGV: token, lease ms, only-if-free ("1"/"0"). Returns {leased, entry or nil}. */
    static final String GET_OR_LEASE = """
            local v = redis.call('GET', KEYS[1])
            local leased = 0
            if ARGV[3] == '1' then
              if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then leased = 1 end
            else
              redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
              leased = 1
            end
            return {leased, v}
            """;

    /** KEYS: entry, lease. ARGV: token, value, ttl ms. Stores only while the lease holds the token. Returns 1 or 0. */
    static final String FILL = """
            if redis.call('GET', KEYS[2]) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              redis.call('DEL', KEYS[2])
              return 1
            end
            return 0
            """;

    /** KEYS: entry, lease. ARGV: value, ttl ms. Stores and ends any lease, atomically. */
    static final String PUT = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('DEL', KEYS[2])
            return 1
            """;

    private Scripts() {
    }
}
