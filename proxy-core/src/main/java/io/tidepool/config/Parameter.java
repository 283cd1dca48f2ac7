package io.tidepool.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the {@link ParameterCatalog}: what a pgpool.conf (or tidepool.conf) parameter is,
 * what it accepts and when a change applies. Immutable.
 *
 * <p>Indexed parameters ({@code backend_hostname0}, {@code heartbeat_port1}, ...) have one entry
 * whose {@link #name()} is the name without index; {@link #indexing()} says whether the plain name
 * is also accepted as the default for every index ({@code health_check_period} vs.
 * {@code health_check_period0}).
 */
public final class Parameter {

    /** Whether and how a parameter takes a node index at the end of its name. */
    public enum Indexing {
        /** A plain name. */
        NONE,
        /** Only with an index ({@code backend_port0}). */
        REQUIRED,
        /** With an index for one node, or without for the default of every node ({@code connect_timeout}). */
        OPTIONAL
    }

    /** Extra check of a parsed value beyond its type; returns the reason when the value is wrong. */
    @FunctionalInterface
    public interface ValueCheck {
        Optional<String> problem(Object value);
    }

    private final String name;
    private final ParameterType type;
    private final String defaultText;
    private final ValueUnit unit;
    private final long min;
    private final long max;
    private final double realMin;
    private final double realMax;
    private final List<EnumOption> options;
    private final char listSeparator;
    private final ParameterContext context;
    private final ParameterGroup group;
    private final String description;
    private final Indexing indexing;
    private final int indexLimit;
    private final boolean tidepoolOnly;
    private final boolean secret;
    private final ValueCheck check;
    private final String exampleText;
    private final boolean fileMode;

    private Parameter(Builder b, ParameterGroup group, boolean tidepoolOnly) {
        this.name = b.name;
        this.type = b.type;
        this.defaultText = b.defaultText;
        this.unit = b.unit;
        this.min = b.min;
        this.max = b.max;
        this.realMin = b.realMin;
        this.realMax = b.realMax;
        this.options = List.copyOf(b.options);
        this.listSeparator = b.listSeparator;
        this.context = b.context;
        this.group = group;
        this.description = b.description;
        this.indexing = b.indexing;
        this.indexLimit = b.indexLimit;
        this.tidepoolOnly = tidepoolOnly;
        this.secret = b.secret;
        this.check = b.check;
        this.exampleText = b.exampleText == null ? b.defaultText : b.exampleText;
        this.fileMode = b.fileMode;
    }

    /** The name as written in the file, without index for indexed parameters. */
    public String name() {
        return name;
    }

    public ParameterType type() {
        return type;
    }

    /** The default as it would be written in the file ({@code 5min}, {@code on}, {@code localhost}). */
    public String defaultText() {
        return defaultText;
    }

    /** Base unit of an {@link ParameterType#INT} parameter; {@link ValueUnit#NONE} for unitless ones. */
    public ValueUnit unit() {
        return unit;
    }

    /** Smallest accepted value of an INT parameter, in its base unit. */
    public long min() {
        return min;
    }

    /** Largest accepted value of an INT parameter, in its base unit. */
    public long max() {
        return max;
    }

    public double realMin() {
        return realMin;
    }

    public double realMax() {
        return realMax;
    }

    /** The words of an ENUM parameter, visible and hidden; empty for other types. */
    public List<EnumOption> options() {
        return options;
    }

    /** The words of an ENUM parameter offered to users (hidden aliases left out). */
    public List<String> visibleOptionNames() {
        return options.stream().filter(o -> !o.hidden()).map(EnumOption::name).toList();
    }

    /** Looks up an ENUM word without regard to case. */
    public Optional<EnumOption> option(String word) {
        return options.stream().filter(o -> o.name().equalsIgnoreCase(word)).findFirst();
    }

    /** Separator of a LIST parameter ({@code ,} or {@code ;}). */
    public char listSeparator() {
        return listSeparator;
    }

    public ParameterContext context() {
        return context;
    }

    public ParameterGroup group() {
        return group;
    }

    /** One line in our own words; also the description column of {@code SHOW pool_status}. */
    public String description() {
        return description;
    }

    public Indexing indexing() {
        return indexing;
    }

    public boolean isIndexed() {
        return indexing != Indexing.NONE;
    }

    /** Number of index slots (indices run 0..indexLimit-1); 0 for plain parameters. */
    public int indexLimit() {
        return indexLimit;
    }

    /** Read from tidepool.conf; unknown to pgpool-II. */
    public boolean isTidepoolOnly() {
        return tidepoolOnly;
    }

    /** An access mode written and shown in octal ({@code 0600}). */
    public boolean isFileMode() {
        return fileMode;
    }

    /** A password: {@code PGPOOL SHOW} and the console print {@code *****} instead of the value. */
    public boolean isSecret() {
        return secret;
    }

    ValueCheck check() {
        return check;
    }

    /**
     * The value the sample file shows: the default, or for an indexed parameter a typical value for
     * node 0 ({@code backend_port0 = 5432}).
     */
    public String exampleText() {
        return exampleText;
    }

    /** What a valid value looks like, for error messages: {@code an integer 0..65535}. */
    public String expectation() {
        return switch (type) {
            case BOOL -> "a boolean: on, off, true, false, yes, no, 1 or 0";
            case INT -> unit == ValueUnit.NONE
                    ? "an integer " + min + ".." + max
                    : "an integer " + min + ".." + max + " " + (unit.isTime() ? "in " : "of ")
                            + unitName() + "; units " + unit.acceptedSuffixes();
            case REAL -> "a number " + formatReal(realMin) + ".." + formatReal(realMax);
            case STRING -> "a string";
            case ENUM -> "one of: " + String.join(", ", visibleOptionNames());
            case LIST -> "a '" + listSeparator + "'-separated list";
        };
    }

    private String unitName() {
        return switch (unit) {
            case NONE -> "";
            case BYTES -> "bytes";
            case KILOBYTES -> "kilobytes";
            case MILLISECONDS -> "milliseconds";
            case SECONDS -> "seconds";
            case MINUTES -> "minutes";
        };
    }

    static String formatReal(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : Double.toString(value);
    }

    @Override
    public String toString() {
        return name + " (" + type.name().toLowerCase(Locale.ROOT) + ", " + context.name().toLowerCase(Locale.ROOT) + ")";
    }

    // ---------------------------------------------------------------- definitions

    /** A boolean parameter. */
    public static Builder bool(String name, String defaultText, ParameterContext context, String description) {
        return new Builder(name, ParameterType.BOOL, defaultText, context, description);
    }

    /** An integer parameter without unit. */
    public static Builder integer(String name, long defaultValue, long min, long max, ParameterContext context,
                                  String description) {
        Builder b = new Builder(name, ParameterType.INT, Long.toString(defaultValue), context, description);
        b.min = min;
        b.max = max;
        return b;
    }

    /** An integer parameter counted in {@code unit}; {@code defaultText} may carry a suffix ({@code 5min}). */
    public static Builder quantity(String name, String defaultText, ValueUnit unit, long min, long max,
                                   ParameterContext context, String description) {
        Builder b = new Builder(name, ParameterType.INT, defaultText, context, description);
        b.unit = unit;
        b.min = min;
        b.max = max;
        return b;
    }

    /** A file mode written in octal with a leading zero ({@code 0600}), 0..0777. */
    public static Builder octal(String name, String defaultText, ParameterContext context, String description) {
        Builder b = new Builder(name, ParameterType.INT, defaultText, context, description);
        b.min = 0;
        b.max = 0777;
        b.fileMode = true;
        return b;
    }

    public static Builder real(String name, String defaultText, double min, double max, ParameterContext context,
                               String description) {
        Builder b = new Builder(name, ParameterType.REAL, defaultText, context, description);
        b.realMin = min;
        b.realMax = max;
        return b;
    }

    public static Builder string(String name, String defaultText, ParameterContext context, String description) {
        return new Builder(name, ParameterType.STRING, defaultText, context, description);
    }

    public static Builder enumeration(String name, String defaultText, ParameterContext context, String description,
                                      EnumOption... options) {
        Builder b = new Builder(name, ParameterType.ENUM, defaultText, context, description);
        b.options = List.of(options);
        return b;
    }

    /** An ENUM whose codes are the 1-based positions of the words, as most pgpool-II enums are. */
    public static Builder choice(String name, String defaultText, ParameterContext context, String description,
                                 String... words) {
        EnumOption[] options = new EnumOption[words.length];
        for (int i = 0; i < words.length; i++) {
            options[i] = EnumOption.of(words[i], i + 1);
        }
        return enumeration(name, defaultText, context, description, options);
    }

    public static Builder list(String name, String defaultText, char separator, ParameterContext context,
                               String description) {
        Builder b = new Builder(name, ParameterType.LIST, defaultText, context, description);
        b.listSeparator = separator;
        return b;
    }

    /** Collects one definition; the group and the origin are set when the catalog registers it. */
    public static final class Builder {
        private final String name;
        private final ParameterType type;
        private final String defaultText;
        private final ParameterContext context;
        private final String description;
        private ValueUnit unit = ValueUnit.NONE;
        private long min = Long.MIN_VALUE;
        private long max = Long.MAX_VALUE;
        private double realMin = -Double.MAX_VALUE;
        private double realMax = Double.MAX_VALUE;
        private List<EnumOption> options = List.of();
        private char listSeparator = ',';
        private Indexing indexing = Indexing.NONE;
        private int indexLimit;
        private boolean secret;
        private ValueCheck check = value -> Optional.empty();
        private String exampleText;
        private boolean fileMode;

        private Builder(String name, ParameterType type, String defaultText, ParameterContext context,
                        String description) {
            this.name = Objects.requireNonNull(name);
            this.type = type;
            this.defaultText = Objects.requireNonNull(defaultText);
            this.context = Objects.requireNonNull(context);
            this.description = Objects.requireNonNull(description);
        }

        /** Only with an index {@code 0..limit-1} ({@code backend_port0}). */
        public Builder indexed(int limit) {
            this.indexing = Indexing.REQUIRED;
            this.indexLimit = limit;
            return this;
        }

        /** With an index for one node, or plain for the default of all nodes. */
        public Builder indexedWithDefault(int limit) {
            this.indexing = Indexing.OPTIONAL;
            this.indexLimit = limit;
            return this;
        }

        /** The value the sample file shows for index 0 of an indexed parameter. */
        public Builder example(String text) {
            this.exampleText = text;
            return this;
        }

        public Builder secret() {
            this.secret = true;
            return this;
        }

        public Builder check(ValueCheck check) {
            this.check = check;
            return this;
        }

        String name() {
            return name;
        }

        Parameter build(ParameterGroup group, boolean tidepoolOnly) {
            return new Parameter(this, group, tidepoolOnly);
        }
    }
}
