package io.tidepool.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The base unit of an integer parameter and the unit suffixes it accepts, as PostgreSQL's GUC
 * files do: memory in {@code B kB MB GB TB} (powers of 1024), time in {@code us ms s min h d}.
 * Suffixes are case-sensitive, like PostgreSQL's. A number without suffix is in the base unit.
 */
public enum ValueUnit {
    NONE("", Kind.NONE, 1),
    BYTES("B", Kind.MEMORY, 1),
    KILOBYTES("kB", Kind.MEMORY, 1024),
    MILLISECONDS("ms", Kind.TIME, 1_000),
    SECONDS("s", Kind.TIME, 1_000_000),
    MINUTES("min", Kind.TIME, 60_000_000L);

    private enum Kind { NONE, MEMORY, TIME }

    /** Suffix → size in the smallest unit of its kind (bytes or microseconds). */
    private static final Map<String, Long> MEMORY_SUFFIXES = new LinkedHashMap<>();
    private static final Map<String, Long> TIME_SUFFIXES = new LinkedHashMap<>();

    static {
        MEMORY_SUFFIXES.put("TB", 1L << 40);
        MEMORY_SUFFIXES.put("GB", 1L << 30);
        MEMORY_SUFFIXES.put("MB", 1L << 20);
        MEMORY_SUFFIXES.put("kB", 1L << 10);
        MEMORY_SUFFIXES.put("B", 1L);
        TIME_SUFFIXES.put("d", 86_400_000_000L);
        TIME_SUFFIXES.put("h", 3_600_000_000L);
        TIME_SUFFIXES.put("min", 60_000_000L);
        TIME_SUFFIXES.put("s", 1_000_000L);
        TIME_SUFFIXES.put("ms", 1_000L);
        TIME_SUFFIXES.put("us", 1L);
    }

    private final String symbol;
    private final Kind kind;
    private final long smallestUnitsPerBase;

    ValueUnit(String symbol, Kind kind, long smallestUnitsPerBase) {
        this.symbol = symbol;
        this.kind = kind;
        this.smallestUnitsPerBase = smallestUnitsPerBase;
    }

    /** The suffix of the base unit ({@code s}, {@code kB}); empty for {@link #NONE}. */
    public String symbol() {
        return symbol;
    }

    public boolean isTime() {
        return kind == Kind.TIME;
    }

    public boolean isMemory() {
        return kind == Kind.MEMORY;
    }

    /** The suffixes accepted, largest first, for error messages: {@code us, ms, s, min, h, d}. */
    public String acceptedSuffixes() {
        return switch (kind) {
            case NONE -> "";
            case MEMORY -> "B, kB, MB, GB, TB";
            case TIME -> "us, ms, s, min, h, d";
        };
    }

    /**
     * Converts {@code amount} given in {@code suffix} to this base unit, rounding to the nearest
     * whole number as PostgreSQL does. Empty when the suffix is not one of this unit's kind.
     */
    Optional<Double> toBase(double amount, String suffix) {
        Map<String, Long> table = switch (kind) {
            case NONE -> Map.of();
            case MEMORY -> MEMORY_SUFFIXES;
            case TIME -> TIME_SUFFIXES;
        };
        Long size = table.get(suffix);
        if (size == null) {
            return Optional.empty();
        }
        return Optional.of(Math.rint(amount * size / smallestUnitsPerBase));
    }

    /**
     * Formats a base-unit value with the largest suffix that divides it evenly ({@code 300} seconds
     * → {@code 5min}); zero and negative values are printed without a suffix, as pgpool-II does.
     */
    public String format(long value) {
        if (kind == Kind.NONE || value <= 0) {
            return Long.toString(value);
        }
        Map<String, Long> table = kind == Kind.MEMORY ? MEMORY_SUFFIXES : TIME_SUFFIXES;
        for (Map.Entry<String, Long> e : table.entrySet()) {
            long size = e.getValue();
            if (size < smallestUnitsPerBase) {
                continue;
            }
            long factor = size / smallestUnitsPerBase;
            if (value % factor == 0) {
                return (value / factor) + e.getKey();
            }
        }
        return value + symbol;
    }
}
