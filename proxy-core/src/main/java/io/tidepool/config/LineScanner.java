package io.tidepool.config;

import java.util.regex.Pattern;

/**
 * Scans one line of pgpool.conf syntax (described in {@link ConfigFileParser}) into a setting, a
 * blank, or a syntax error. A quoted string cannot continue on the next line.
 */
final class LineScanner {

    /** A number with an optional unit, as PostgreSQL's lexer accepts it unquoted. */
    private static final Pattern NUMBER = Pattern.compile(
            "[+-]?(?:0[xX][0-9a-fA-F]+|[0-9]+\\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\\.[0-9]+(?:[eE][+-]?[0-9]+)?)[a-zA-Z]*");

    sealed interface Outcome permits Blank, Setting, Error {
    }

    record Blank() implements Outcome {
    }

    record Setting(String name, String value) implements Outcome {
    }

    record Error(String message) implements Outcome {
    }

    private final String line;
    private int pos;

    LineScanner(String line) {
        this.line = line;
    }

    Outcome scan() {
        skipBlanks();
        if (atEnd() || peek() == '#') {
            return new Blank();
        }
        if (!isNameStart(peek())) {
            return new Error("syntax error: expected a parameter name at '" + rest() + "'");
        }
        int start = pos;
        while (!atEnd() && (isNameChar(peek()) || peek() == '.')) {
            pos++;
        }
        String name = line.substring(start, pos);
        skipBlanks();
        if (!atEnd() && peek() == '=') {
            pos++;
            skipBlanks();
        }
        if (atEnd() || peek() == '#') {
            return new Error("syntax error: no value given for " + name);
        }
        String value;
        if (peek() == '\'') {
            StringBuilder unquoted = new StringBuilder();
            String problem = readQuoted(unquoted);
            if (problem != null) {
                return new Error(problem + " in the value of " + name);
            }
            value = unquoted.toString();
        } else {
            int valueStart = pos;
            while (!atEnd() && isWordChar(peek())) {
                pos++;
            }
            value = line.substring(valueStart, pos);
            if (value.isEmpty() || !(isNameStart(value.charAt(0)) || NUMBER.matcher(value).matches())) {
                return new Error("syntax error near '" + (value.isEmpty() ? rest() : value)
                        + "' in the value of " + name + " (quote values that are not a single word or number)");
            }
        }
        skipBlanks();
        if (!atEnd() && peek() != '#') {
            return new Error("syntax error near '" + rest() + "' after the value of " + name
                    + " (quote values that contain blanks)");
        }
        return new Setting(name, value);
    }

    /** Reads a single-quoted string starting at the quote; returns an error text or null. */
    private String readQuoted(StringBuilder out) {
        pos++; // opening quote
        while (!atEnd()) {
            char c = line.charAt(pos++);
            if (c == '\'') {
                if (!atEnd() && peek() == '\'') {
                    out.append('\'');
                    pos++;
                    continue;
                }
                return null;
            }
            if (c == '\\' && !atEnd()) {
                char e = line.charAt(pos++);
                switch (e) {
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                        int value = e - '0';
                        for (int i = 0; i < 2 && !atEnd() && peek() >= '0' && peek() <= '7'; i++) {
                            value = value * 8 + (line.charAt(pos++) - '0');
                        }
                        out.append((char) (value & 0xFF));
                    }
                    default -> out.append(e);
                }
                continue;
            }
            out.append(c);
        }
        return "unterminated quoted string";
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_' || c >= 0x80;
    }

    private static boolean isNameChar(char c) {
        return isNameStart(c) || Character.isDigit(c) || c == '$';
    }

    /** Characters of an unquoted value: a word (letters, digits, {@code _ - . : /}) or a number with sign. */
    private static boolean isWordChar(char c) {
        return isNameChar(c) || c == '-' || c == '.' || c == ':' || c == '/' || c == '+';
    }

    private void skipBlanks() {
        while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\f' || peek() == '\r')) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= line.length();
    }

    private char peek() {
        return line.charAt(pos);
    }

    private String rest() {
        String r = line.substring(pos).strip();
        int hash = r.indexOf('#');
        return hash > 0 ? r.substring(0, hash).strip() : r;
    }
}
