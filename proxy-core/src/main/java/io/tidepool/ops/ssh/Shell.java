package io.tidepool.ops.ssh;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting for commands sent to a remote {@code sh}. */
public final class Shell {

    private Shell() {
    }

    /**
     * One shell word that stands for exactly {@code text}: left bare when it holds only characters
     * no shell treats specially, else single-quoted ({@code '} written as {@code '\''}).
     */
    public static String quote(String text) {
        if (!text.isEmpty() && text.chars().allMatch(Shell::isSafe)) {
            return text;
        }
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /** The words quoted and joined by spaces: a command line for {@code sh}. */
    public static String join(List<String> words) {
        return words.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }

    private static boolean isSafe(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '/' || c == '.' || c == '_' || c == '-' || c == ':' || c == '=' || c == ',' || c == '@'
                || c == '+' || c == '%';
    }
}
