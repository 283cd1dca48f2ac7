package io.tidepool.config;

/**
 * One {@code name = value} line as read from a file, before its name is looked up: the value with
 * quotes removed and escapes resolved.
 *
 * @param file label of the file for messages (see {@link ConfigProblem})
 * @param line 1-based; 0 for values that did not come from a file
 */
public record ConfigEntry(String name, String value, String file, int line) {
}
