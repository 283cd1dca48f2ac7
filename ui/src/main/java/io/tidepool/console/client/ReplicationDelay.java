package io.tidepool.console.client;

import java.util.Locale;

/**
 * A standby's replication delay as SHOW pool_nodes reports it (spec 2.2.1): bytes of WAL behind
 * the primary, or seconds when the peer measures delay by time ({@code "0.250000 second"}).
 */
public record ReplicationDelay(double value, Unit unit) {

    public enum Unit { BYTES, SECONDS }

    public static final ReplicationDelay NONE = new ReplicationDelay(0, Unit.BYTES);

    public ReplicationDelay {
        if (value < 0 || Double.isNaN(value)) {
            throw new IllegalArgumentException("replication delay must be a non-negative number, got " + value);
        }
    }

    public static ReplicationDelay bytes(long bytes) {
        return new ReplicationDelay(bytes, Unit.BYTES);
    }

    public static ReplicationDelay seconds(double seconds) {
        return new ReplicationDelay(seconds, Unit.SECONDS);
    }

    /**
     * Parses the column text: an unsigned integer of bytes, or a decimal followed by
     * {@code second}/{@code seconds}. An empty text means no delay is known and reads as zero.
     *
     * @throws IllegalArgumentException when the text is neither form
     */
    public static ReplicationDelay parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            return NONE;
        }
        try {
            if (t.endsWith("seconds") || t.endsWith("second")) {
                String number = t.substring(0, t.indexOf("second")).trim();
                return seconds(Double.parseDouble(number));
            }
            return bytes(Long.parseUnsignedLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("replication delay '" + text + "' is neither bytes nor seconds", e);
        }
    }

    public boolean isZero() {
        return value == 0;
    }

    /** As SHOW pool_nodes prints it: bytes as an integer, time as {@code 0.250000 second(s)}. */
    public String pgpoolText() {
        if (unit == Unit.SECONDS) {
            return String.format(Locale.ROOT, "%.6f %s", value, value >= 2 ? "seconds" : "second");
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }

    /** Short human form: {@code 0}, {@code 12.3 kB}, {@code 4.0 MB}, {@code 0.25 s}. */
    public String display() {
        if (unit == Unit.SECONDS) {
            return String.format(Locale.ROOT, "%.2f s", value);
        }
        if (value < 1024) {
            return String.format(Locale.ROOT, "%.0f B", value);
        }
        if (value < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f kB", value / 1024);
        }
        return String.format(Locale.ROOT, "%.1f MB", value / (1024 * 1024));
    }
}
