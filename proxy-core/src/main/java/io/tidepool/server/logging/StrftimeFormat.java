package io.tidepool.server.logging;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Objects;

/**
 * A C {@code strftime} pattern, as PostgreSQL and pgpool-II use it for {@code log_filename}
 * ({@code pgpool-%Y-%m-%d_%H%M%S.log}). Names of days and months are those of the C locale.
 *
 * <p>Rendered by hand rather than translated to a {@link DateTimeFormatter} pattern: the two
 * languages quote literals differently, and a file name pattern is arbitrary user text.
 * An unknown conversion ({@code %q}) is kept as written, so a typo shows up in the file name
 * instead of silently disappearing.
 */
public final class StrftimeFormat {
    private static final DateTimeFormatter ZONE_ABBREVIATION = DateTimeFormatter.ofPattern("zzz", Locale.ROOT);
    private static final DateTimeFormatter NUMERIC_OFFSET = DateTimeFormatter.ofPattern("xx", Locale.ROOT);

    private final String pattern;

    private StrftimeFormat(String pattern) {
        this.pattern = pattern;
    }

    public static StrftimeFormat of(String pattern) {
        return new StrftimeFormat(Objects.requireNonNull(pattern, "pattern"));
    }

    public String pattern() {
        return pattern;
    }

    /** True when the pattern contains no conversion at all (every rotation reuses one file name). */
    public boolean isConstant() {
        return format(ZonedDateTime.parse("2001-02-03T04:05:06Z"))
                .equals(format(ZonedDateTime.parse("2011-12-13T14:15:16Z")));
    }

    public String format(ZonedDateTime time) {
        StringBuilder out = new StringBuilder(pattern.length() + 16);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                out.append(c);
                continue;
            }
            char conversion = pattern.charAt(++i);
            if (!appendConversion(out, conversion, time)) {
                out.append('%').append(conversion);
            }
        }
        return out.toString();
    }

    private static boolean appendConversion(StringBuilder out, char conversion, ZonedDateTime t) {
        switch (conversion) {
            case 'Y' -> out.append(t.getYear());
            case 'C' -> pad(out, t.getYear() / 100, 2, '0');
            case 'y' -> pad(out, t.getYear() % 100, 2, '0');
            case 'm' -> pad(out, t.getMonthValue(), 2, '0');
            case 'd' -> pad(out, t.getDayOfMonth(), 2, '0');
            case 'e' -> pad(out, t.getDayOfMonth(), 2, ' ');
            case 'j' -> pad(out, t.getDayOfYear(), 3, '0');
            case 'H' -> pad(out, t.getHour(), 2, '0');
            case 'k' -> pad(out, t.getHour(), 2, ' ');
            case 'I' -> pad(out, twelveHour(t), 2, '0');
            case 'l' -> pad(out, twelveHour(t), 2, ' ');
            case 'M' -> pad(out, t.getMinute(), 2, '0');
            case 'S' -> pad(out, t.getSecond(), 2, '0');
            case 'p' -> out.append(t.getHour() < 12 ? "AM" : "PM");
            case 'a' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.US));
            case 'A' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.US));
            case 'b', 'h' -> out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.US));
            case 'B' -> out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.US));
            case 'u' -> out.append(t.getDayOfWeek().getValue());
            case 'w' -> out.append(t.getDayOfWeek().getValue() % 7);
            case 's' -> out.append(t.toEpochSecond());
            case 'z' -> out.append(NUMERIC_OFFSET.format(t));
            case 'Z' -> out.append(ZONE_ABBREVIATION.format(t));
            case 'F' -> {
                appendConversion(out, 'Y', t);
                out.append('-');
                appendConversion(out, 'm', t);
                out.append('-');
                appendConversion(out, 'd', t);
            }
            case 'T' -> {
                appendConversion(out, 'R', t);
                out.append(':');
                appendConversion(out, 'S', t);
            }
            case 'R' -> {
                appendConversion(out, 'H', t);
                out.append(':');
                appendConversion(out, 'M', t);
            }
            case 'D' -> {
                appendConversion(out, 'm', t);
                out.append('/');
                appendConversion(out, 'd', t);
                out.append('/');
                appendConversion(out, 'y', t);
            }
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case '%' -> out.append('%');
            default -> {
                return false;
            }
        }
        return true;
    }

    private static int twelveHour(ZonedDateTime t) {
        int h = t.getHour() % 12;
        return h == 0 ? 12 : h;
    }

    private static void pad(StringBuilder out, int value, int width, char padding) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append(padding);
        }
        out.append(digits);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StrftimeFormat that && that.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
