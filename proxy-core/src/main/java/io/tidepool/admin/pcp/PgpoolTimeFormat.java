package io.tidepool.admin.pcp;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Timestamps as pgpool-II prints them in PCP and SHOW output: {@code YYYY-MM-DD HH:MM:SS} in
 * the local time zone of whoever formats them (spec 1.9).
 */
public final class PgpoolTimeFormat {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private PgpoolTimeFormat() {
    }

    public static String format(Instant instant, ZoneId zone) {
        return FORMAT.format(instant.atZone(zone));
    }

    /** Empty text for a time that never happened. */
    public static String format(Optional<Instant> instant, ZoneId zone) {
        return instant.map(i -> format(i, zone)).orElse("");
    }
}
