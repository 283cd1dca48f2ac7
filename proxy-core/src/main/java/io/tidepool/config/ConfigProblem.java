package io.tidepool.config;

/**
 * One error or warning in a configuration file, rendered as
 * {@code pgpool.conf:42: invalid value 'abc' for port (expected an integer 1..65535)}.
 * {@code line} is 0 when the problem has no line (a missing file, a value set in code).
 */
public record ConfigProblem(String file, int line, String message) {
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
