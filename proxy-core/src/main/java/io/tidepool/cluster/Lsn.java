package io.tidepool.cluster;

import java.util.OptionalLong;

/** PostgreSQL WAL positions ({@code pg_lsn} text {@code 16/B374D848}) as unsigned 64-bit numbers. */
final class Lsn {

    private Lsn() {
    }

    /** Empty for SQL NULL or text that is not a WAL position. */
    static OptionalLong parse(String text) {
        if (text == null) {
            return OptionalLong.empty();
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            return OptionalLong.empty();
        }
        try {
            long hi = Long.parseLong(text.substring(0, slash), 16);
            long lo = Long.parseLong(text.substring(slash + 1), 16);
            if (hi > 0xFFFFFFFFL || lo > 0xFFFFFFFFL) {
                return OptionalLong.empty();
            }
            return OptionalLong.of((hi << 32) | lo);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** How far {@code behind} is behind {@code ahead}, never negative (a standby may report ahead of a stale read). */
    static long distance(long ahead, long behind) {
        return Long.compareUnsigned(ahead, behind) > 0 ? ahead - behind : 0;
    }
}
