package io.tidepool.routing;

/**
 * A statement text with its numeric constants masked: {@code UPDATE t SET v = v + 5 WHERE id = 17}
 * and {@code UPDATE t SET v = v + -3 WHERE id = 4711} have the same shape. It is the classifier's
 * cache key for texts that carry numbers, which the simple protocol sends with every statement
 * (pgbench's, psql scripts', any client that inlines its values): one classification serves every
 * text of the shape instead of one lexer pass per statement.
 *
 * <p>A shape is taken only of texts plain enough to be read without the lexer: ASCII
 * identifiers, operators, punctuation, white space, {@code $n} parameters and numbers. A text with
 * a string, quoted identifier, dollar quote, comment, backslash, non-ASCII character, or a '$'
 * inside an identifier, has no shape ({@link #of} returns null) and is classified as before. A
 * number is exactly what {@link SqlLexer} reads as one ({@link SqlLexer#numberEnd}), starting
 * where a token can start: at a digit that does not continue a word (identifier or parameter),
 * or at a '.' before a digit. The scan is one table look-up per character: it has to cost much
 * less than the lexer pass it saves.
 *
 * <p>Two texts of the same shape lex to the same tokens but for the numbers' values, so they
 * classify alike wherever the classifier never looks at a number's value (queries and DML; not
 * {@code SET transaction_read_only = 1}, see {@link StatementClassifier}). Equality compares the
 * texts themselves, so a hash collision never makes two shapes one.
 */
final class StatementShape {

    // Character classes of the scan, for ASCII; every other character is BAD.
    private static final byte BAD = 0;       // strings, quoted identifiers, escapes, control characters
    private static final byte OTHER = 1;     // white space, operators, punctuation
    private static final byte LETTER = 2;    // letters and '_': words
    private static final byte DIGIT = 3;
    private static final byte DOT = 4;       // a number starts at a '.' before a digit
    private static final byte DOLLAR = 5;    // $n only
    private static final byte MINUS = 6;     // "--" starts a comment
    private static final byte SLASH = 7;     // "/*" starts a comment
    private static final byte[] CLASS = new byte[128];

    static {
        for (char c = ' '; c < 127; c++) {
            CLASS[c] = OTHER;
        }
        for (char c : new char[] {'\t', '\n', '\r', '\f', 0x0B}) {
            CLASS[c] = OTHER; // the lexer's white space (SqlLexer.isWhitespace)
        }
        for (char c = 'a'; c <= 'z'; c++) {
            CLASS[c] = LETTER;
            CLASS[Character.toUpperCase(c)] = LETTER;
        }
        CLASS['_'] = LETTER;
        for (char c = '0'; c <= '9'; c++) {
            CLASS[c] = DIGIT;
        }
        CLASS['.'] = DOT;
        CLASS['$'] = DOLLAR;
        CLASS['-'] = MINUS;
        CLASS['/'] = SLASH;
        CLASS['\''] = BAD;
        CLASS['"'] = BAD;
        CLASS['\\'] = BAD;
    }

    /** Stands for a number in the hash. */
    private static final int NUMBER_MARK = 0;

    private final String text;
    private final int hash;

    private StatementShape(String text, int hash) {
        this.text = text;
        this.hash = hash;
    }

    /** The shape of {@code sql}, or null when it has no number or is not plain enough to be shaped. */
    static StatementShape of(String sql) {
        int n = sql.length();
        int h = 0;
        boolean numbers = false;
        boolean inWord = false; // the last character belongs to an identifier or parameter
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            int cls = c < 128 ? CLASS[c] : BAD;
            // One switch per character, numbers taken inline in their two cases: a loop that asked
            // startsNumber first and checked the rest after measured 120-150 ns against 90 for a
            // tpcb-like UPDATE in a micro-benchmark.
            switch (cls) {
                case OTHER -> inWord = false;
                case LETTER -> inWord = true;
                case DIGIT -> {
                    if (!inWord) {
                        i = SqlLexer.numberEnd(sql, i);
                        h = 31 * h + NUMBER_MARK;
                        numbers = true;
                        continue;
                    }
                }
                case DOT -> {
                    if (i + 1 < n && SqlLexer.isDigit(sql.charAt(i + 1))) {
                        i = SqlLexer.numberEnd(sql, i);
                        h = 31 * h + NUMBER_MARK;
                        numbers = true;
                        inWord = false;
                        continue;
                    }
                    inWord = false;
                }
                case DOLLAR -> {
                    if (inWord || i + 1 >= n || !SqlLexer.isDigit(sql.charAt(i + 1))) {
                        return null; // $tag$ quote, or '$' in an identifier: left to the lexer
                    }
                    inWord = true;
                }
                case MINUS -> {
                    if (i + 1 < n && sql.charAt(i + 1) == '-') {
                        return null;
                    }
                    inWord = false;
                }
                case SLASH -> {
                    if (i + 1 < n && sql.charAt(i + 1) == '*') {
                        return null;
                    }
                    inWord = false;
                }
                default -> {
                    return null;
                }
            }
            h = 31 * h + c;
            i++;
        }
        return numbers ? new StatementShape(sql, h) : null;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /**
     * Same shape: equal characters outside numbers, numbers at the same places (values may differ).
     * Both texts passed {@link #of}, so only where numbers start needs deciding here.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof StatementShape other) || other.hash != hash) {
            return false;
        }
        String a = text;
        String b = other.text;
        int lengthA = a.length();
        int lengthB = b.length();
        boolean inWord = false; // the same in both texts, whose characters agree up to i and j
        int i = 0;
        int j = 0;
        while (i < lengthA && j < lengthB) {
            char c = a.charAt(i);
            char d = b.charAt(j);
            if (c == d) {
                int cls = CLASS[c];
                if (cls == DIGIT ? inWord : cls != DOT) {
                    // the common case: the same character, starting no number in either text
                    inWord = cls == LETTER || cls == DOLLAR || cls == DIGIT;
                    i++;
                    j++;
                    continue;
                }
            }
            boolean numberA = startsNumber(a, i, inWord);
            if (numberA != startsNumber(b, j, inWord)) {
                return false;
            }
            if (numberA) {
                i = SqlLexer.numberEnd(a, i);
                j = SqlLexer.numberEnd(b, j);
                inWord = false;
                continue;
            }
            if (c != d) {
                return false;
            }
            inWord = false; // the same '.', not before a digit in either text
            i++;
            j++;
        }
        return i == lengthA && j == lengthB;
    }

    private static boolean startsNumber(String s, int i, boolean inWord) {
        char c = s.charAt(i);
        if (c == '.') {
            return i + 1 < s.length() && SqlLexer.isDigit(s.charAt(i + 1));
        }
        return !inWord && SqlLexer.isDigit(c);
    }

    @Override
    public String toString() {
        return "StatementShape[" + text + "]";
    }
}
