package io.tidepool.config;

/**
 * A value configured explicitly in a file (or map), after validation.
 *
 * @param key       the full name with index ({@code backend_port1}) under which it is stored
 * @param parameter its catalog entry
 * @param index     the node index, or -1 for a plain name
 * @param text      the value as written (quotes removed)
 * @param value     typed: Boolean, Long (base unit), Double, String, {@link EnumOption} or List of String
 * @param file      where it was set, as in {@link ConfigProblem}
 * @param line      1-based line, 0 when not from a file
 */
public record ConfigSetting(String key, Parameter parameter, int index, String text, Object value, String file,
                            int line) {

    /** {@code pgpool.conf:12}, or just the file label when there is no line. */
    public String origin() {
        return line > 0 ? file + ":" + line : file;
    }
}
