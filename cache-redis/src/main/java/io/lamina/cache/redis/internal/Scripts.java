package io.lamina.cache.redis.internal;

/**
 * The Lua scripts of the fill lease (memcache-style leases: a fill succeeds only while the load's lease
 * is current; a put or an invalidation ends the lease). Each touches only keys of one hash tag.
 */
final class Scripts {

    /**
     * KEYS: entry, lease. ARGV: token, lease ms, mode, largest value in bytes. Mode "0" takes the lease whoever holds
     * it, "1" only if it is free, "2" only if it is free <em>and</em> no readable entry is stored (the first step of a
     * miss: an L2 hit takes no lease, and is answered with the entry alone, the cheapest reply). Else returns {leased,
     * seconds, microseconds, entry or nil}: the server's TIME is the load's start stamp for tag versions. An entry larger
     * than the limit, or not a string (a foreign key), is returned as {@link #UNREADABLE} without being read.
     */
    static final String GET_OR_LEASE = """
            redis.replicate_commands()
            local n = redis.pcall('STRLEN', KEYS[1])
            if ARGV[3] == '2' and type(n) == 'number' and n > 0 and n <= tonumber(ARGV[4]) then
              return redis.call('GET', KEYS[1])
            end
            local t = redis.call('TIME')
            local v = false
            if type(n) ~= 'number' or n > tonumber(ARGV[4]) then v = '\\0' elseif n > 0 then v = redis.call('GET', KEYS[1]) end
            local leased = 0
            if ARGV[3] == '2' then
              if (v == false or v == '\\0') and redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then leased = 1 end
            elseif ARGV[3] == '1' then
              if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then leased = 1 end
            else
              redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
              leased = 1
            end
            return {leased, t[1], t[2], v}
            """;

    /**
     * KEYS: tag. ARGV: ttl ms. A new version above the current one and at least the server clock in
     * microseconds, so a lost or evicted tag key never lets an old version come back. Returns it.
     */
    static final String TAG_INVALIDATE = """
            redis.replicate_commands()
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
            local v = math.max(cur + 1, now)
            redis.call('SET', KEYS[1], string.format('%.0f', v), 'PX', ARGV[1])
            return v
            """;

    /**
     * KEYS: tag. ARGV: stamp, ttl ms. The current version, created at the stamp if absent (at the server clock in
     * microseconds for a stamp of 0); keeps it ttl.
     */
    static final String TAG_ENSURE = """
            redis.replicate_commands()
            local v = redis.call('GET', KEYS[1])
            if not v then
              local created = ARGV[1]
              if created == '0' then
                local t = redis.call('TIME')
                created = string.format('%.0f', tonumber(t[1]) * 1000000 + tonumber(t[2]))
              end
              redis.call('SET', KEYS[1], created, 'PX', ARGV[2])
              return tonumber(created)
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return tonumber(v)
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

    /** KEYS: lease. ARGV: token. Ends the lease if it still holds the token. Returns 1 or 0. */
    static final String RELEASE_LEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0
            """;

    /**
     * KEYS: entry, lease. ARGV: value, ttl ms, deadline (server microseconds; "0": none). Stores and ends any lease,
     * atomically, unless the server's clock is past the deadline: then the caller may have been told the write failed
     * (it timed out), and a later write may have been made since, so it is refused. Returns {stored 1 or 0, seconds,
     * microseconds}.
     */
    static final String PUT = """
            redis.replicate_commands()
            local t = redis.call('TIME')
            if ARGV[3] ~= '0' and tonumber(t[1]) * 1000000 + tonumber(t[2]) > tonumber(ARGV[3]) then
              return {0, t[1], t[2]}
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('DEL', KEYS[2])
            return {1, t[1], t[2]}
            """;

    /**
     * An invalidation and its bus message in one round trip. KEYS: entry, lease. ARGV: channel, message. Removes both
     * keys, which fences running loads, then publishes, so no node hears of the write before Redis has made it.
     */
    static final String INVALIDATE = """
            redis.call('DEL', KEYS[1], KEYS[2])
            redis.call('PUBLISH', ARGV[1], ARGV[2])
            return 1
            """;

    /**
     * {@link #INVALIDATE} of many keys of one slot group. KEYS: entry1, lease1, entry2, lease2, ... ARGV: nothing, or
     * channel and message: then published once every key of the group is gone. DEL runs in slices, so the number of
     * keys is not bounded by Lua's stack. Returns the number of keys.
     */
    static final String INVALIDATE_ALL = """
            for i = 1, #KEYS, 200 do
              redis.call('DEL', unpack(KEYS, i, math.min(i + 199, #KEYS)))
            end
            if #ARGV == 2 then
              redis.call('PUBLISH', ARGV[1], ARGV[2])
            end
            return #KEYS / 2
            """;

    /** KEYS: any key (the script runs where it lives). Returns the server's {seconds, microseconds}. */
    static final String CLOCK = """
            #!lua flags=no-writes
            return redis.call('TIME')
            """;

    /** What a bounded read returns for an entry it would not read: one zero byte, which no envelope starts with. */
    static final byte[] UNREADABLE = {0};

    /**
     * The bulk claim of {@code rememberAll}: {@link #GET_OR_LEASE} with only-if-free for many keys of one slot group.
     * KEYS: entry1, lease1, entry2, lease2, ... ARGV: lease ms, largest value in bytes, token1, token2, ... Returns
     * {seconds, microseconds,
     * leased1, entry1 or nil, leased2, entry2 or nil, ...}.
     */
    static final String LEASE_ALL = """
            redis.replicate_commands()
            local t = redis.call('TIME')
            local out = {t[1], t[2]}
            local max = tonumber(ARGV[2])
            for i = 1, #KEYS / 2 do
              local n = redis.pcall('STRLEN', KEYS[2 * i - 1])
              local v = false
              if type(n) ~= 'number' or n > max then v = '\\0' elseif n > 0 then v = redis.call('GET', KEYS[2 * i - 1]) end
              local leased = 0
              if redis.call('SET', KEYS[2 * i], ARGV[i + 2], 'NX', 'PX', ARGV[1]) then leased = 1 end
              out[2 * i + 1] = leased
              out[2 * i + 2] = v
            end
            return out
            """;

    /**
     * {@link #FILL} of many keys of one slot group. KEYS: entry1, lease1, ... ARGV: token1, value1, ttl ms1, ...
     * Returns {1 or 0 per key}.
     */
    static final String FILL_ALL = """
            local out = {}
            for i = 1, #KEYS / 2 do
              local a = 3 * i - 2
              if redis.call('GET', KEYS[2 * i]) == ARGV[a] then
                redis.call('SET', KEYS[2 * i - 1], ARGV[a + 1], 'PX', ARGV[a + 2])
                redis.call('DEL', KEYS[2 * i])
                out[i] = 1
              else
                out[i] = 0
              end
            end
            return out
            """;

    /**
     * {@link #PUT} of many keys of one slot group, fenced by one deadline; an empty value removes the entry instead.
     * KEYS: entry1, lease1, ... ARGV: deadline, value1, ttl ms1, ... Returns {number of keys, or -1 if refused as
     * late; seconds, microseconds}.
     */
    static final String PUT_ALL = """
            redis.replicate_commands()
            local t = redis.call('TIME')
            if ARGV[1] ~= '0' and tonumber(t[1]) * 1000000 + tonumber(t[2]) > tonumber(ARGV[1]) then
              return {-1, t[1], t[2]}
            end
            for i = 1, #KEYS / 2 do
              if ARGV[2 * i] == '' then
                redis.call('DEL', KEYS[2 * i - 1])
              else
                redis.call('SET', KEYS[2 * i - 1], ARGV[2 * i], 'PX', ARGV[2 * i + 1])
              end
              redis.call('DEL', KEYS[2 * i])
            end
            return {#KEYS / 2, t[1], t[2]}
            """;

    private Scripts() {
    }
}
