package io.tidepool.config;

/**
 * One accepted word of an {@link ParameterType#ENUM} parameter.
 *
 * @param name   the word as written in pgpool.conf (matched without regard to case)
 * @param code   the integer pgpool-II prints for it in {@code SHOW pool_status} (spec Appendix A)
 * @param hidden accepted for old files but not offered (e.g. {@code check_temp_table = on})
 */
public record EnumOption(String name, int code, boolean hidden) {

    public static EnumOption of(String name, int code) {
        return new EnumOption(name, code, false);
    }

    public static EnumOption hidden(String name, int code) {
        return new EnumOption(name, code, true);
    }
}
