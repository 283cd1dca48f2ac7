package io.tidepool.routing;

/**
 * A pull lexer over PostgreSQL SQL text, following the lexical rules of the PostgreSQL manual
 * (chapter "Lexical Structure"): nested block comments, {@code --} comments, standard strings with
 * doubled quotes, {@code E''} strings with backslash escapes, dollar quoting, quoted identifiers,
 * positional parameters.
 *
 * <p>It produces no objects per token: the current token is described by {@link #type()},
 * {@link #start()} and {@link #end()} over the original text. One instance is reused per thread
 * (see {@link StatementClassifier}); it is not thread-safe.
 */
final class SqlLexer {

    /** Token types. Ints, not an enum, to keep the hot loop free of indirection. */
    static final int EOF = 0;
    static final int IDENT = 1;          // unquoted identifier or keyword
    static final int QUOTED_IDENT = 2;   // "Name"
    static final int STRING = 3;         // '...', E'...', $$...$$, B'..', X'..', U&'...'
    static final int NUMBER = 4;
    static final int PARAM = 5;          // $1
    static final int LPAREN = 6;
    static final int RPAREN = 7;
    static final int COMMA = 8;
    static final int SEMICOLON = 9;
    static final int DOT = 10;
    static final int CAST = 11;          // ::
    static final int OPERATOR = 12;      // anything else: = < > + - * / [ ] : etc.
    static final int ERROR = 13;         // unterminated string, comment or quoted identifier

    // Scratch space for the query scanner (see StatementClassifier#scan); per thread, like the lexer.
    final byte[] parenKind = new byte[QueryScanner.MAX_DEPTH];
    final byte[] clauseState = new byte[QueryScanner.MAX_DEPTH];

    private String text = "";
    private int length;
    private int pos;
    private int type;
    private int start;
    private int end;

    // Facts about what came before the first token, for allow_sql_comments / hints / white space.
    private boolean leadingWhitespace;
    private boolean leadingComment;
    private boolean noLoadBalanceHint;
    private boolean beforeFirstToken;
    private boolean error;
    private boolean literal;

    SqlLexer reset(String sql) {
        this.text = sql;
        this.length = sql.length();
        this.pos = 0;
        this.type = EOF;
        this.start = 0;
        this.end = 0;
        this.leadingWhitespace = length > 0 && isWhitespace(sql.charAt(0));
        this.leadingComment = false;
        this.noLoadBalanceHint = false;
        this.beforeFirstToken = true;
        this.error = false;
        this.literal = false;
        return this;
    }

    /**
     * A string or number constant was among the tokens read since {@link #reset}: the text is
     * probably one of many that differ only in their constants.
     */
    boolean sawLiteral() {
        return literal;
    }

    /** An unterminated comment, string, dollar quote or quoted identifier was met. */
    boolean sawError() {
        return error;
    }

    String text() {
        return text;
    }

    int type() {
        return type;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    boolean leadingWhitespace() {
        return leadingWhitespace;
    }

    boolean leadingComment() {
        return leadingComment;
    }

    boolean noLoadBalanceHint() {
        return noLoadBalanceHint;
    }

    /** True if the current token is the unquoted keyword {@code upperCaseWord} (ASCII, any case). */
    boolean is(String upperCaseWord) {
        return type == IDENT && end - start == upperCaseWord.length()
                && text.regionMatches(true, start, upperCaseWord, 0, upperCaseWord.length());
    }

    /** The current identifier as PostgreSQL folds it: unquoted lower-cased, quoted verbatim. */
    String identifier() {
        if (type == QUOTED_IDENT) {
            int open = text.charAt(start) == '"' ? start : start + 2; // U&"..."
            String inner = text.substring(open + 1, end - 1);
            return inner.indexOf('"') >= 0 ? inner.replace("\"\"", "\"") : inner;
        }
        String raw = text.substring(start, end);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return raw.toLowerCase(java.util.Locale.ROOT);
            }
        }
        return raw;
    }

    boolean isIdentifier() {
        return type == IDENT || type == QUOTED_IDENT;
    }

    /**
     * Advances to the next token and returns its type. After an {@link #ERROR} every further call
     * returns {@link #EOF}, so no loop over tokens can spin on a broken text; {@link #sawError()}
     * tells the caller the text was not fully read.
     */
    int next() {
        int t = scan();
        if (t == STRING || t == NUMBER) {
            literal = true;
        }
        return t;
    }

    private int scan() {
        if (error) {
            start = end = length;
            return type = EOF;
        }
        skipWhitespaceAndComments();
        if (type == ERROR) {
            error = true;
            return ERROR;
        }
        beforeFirstToken = false;
        start = pos;
        if (pos >= length) {
            end = pos;
            return type = EOF;
        }
        char c = text.charAt(pos);
        switch (c) {
            case '(':
                return single(LPAREN);
            case ')':
                return single(RPAREN);
            case ',':
                return single(COMMA);
            case ';':
                return single(SEMICOLON);
            case '\'':
                return quoted('\'', false);
            case '"':
                return quotedIdentifier();
            case '$':
                return dollar();
            case ':':
                if (pos + 1 < length && text.charAt(pos + 1) == ':') {
                    pos += 2;
                    end = pos;
                    return type = CAST;
                }
                return single(OPERATOR);
            case '.':
                if (pos + 1 < length && isDigit(text.charAt(pos + 1))) {
                    return number();
                }
                return single(DOT);
            default:
                break;
        }
        if (isDigit(c)) {
            return number();
        }
        if (isIdentStart(c)) {
            // String prefixes: E'..', B'..', X'..', N'..', U&'..' and U&".."
            if (pos + 1 < length && text.charAt(pos + 1) == '\'') {
                char p = Character.toUpperCase(c);
                if (p == 'E') {
                    pos++;
                    return quoted('\'', true);
                }
                if (p == 'B' || p == 'X' || p == 'N') {
                    pos++;
                    return quoted('\'', false);
                }
            }
            if ((c == 'U' || c == 'u') && pos + 2 < length && text.charAt(pos + 1) == '&') {
                char q = text.charAt(pos + 2);
                if (q == '\'') {
                    pos += 2;
                    return quoted('\'', false);
                }
                if (q == '"') {
                    pos += 2;
                    return quotedIdentifier();
                }
            }
            pos++;
            while (pos < length && isIdentPart(text.charAt(pos))) {
                pos++;
            }
            end = pos;
            return type = IDENT;
        }
        // Operators: a run of operator characters; '/*' and '--' inside start comments, handled above.
        pos++;
        while (pos < length && isOperatorChar(text.charAt(pos))
                && !startsComment(pos)) {
            pos++;
        }
        end = pos;
        return type = OPERATOR;
    }

    private int single(int t) {
        pos++;
        end = pos;
        return type = t;
    }

    private void skipWhitespaceAndComments() {
        while (pos < length) {
            char c = text.charAt(pos);
            if (isWhitespace(c)) {
                pos++;
            } else if (c == '-' && pos + 1 < length && text.charAt(pos + 1) == '-') {
                int commentStart = pos;
                pos += 2;
                while (pos < length && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
                    pos++;
                }
                noteComment(commentStart, pos);
            } else if (c == '/' && pos + 1 < length && text.charAt(pos + 1) == '*') {
                int commentStart = pos;
                int depth = 1;
                pos += 2;
                while (pos < length && depth > 0) {
                    char d = text.charAt(pos);
                    if (d == '/' && pos + 1 < length && text.charAt(pos + 1) == '*') {
                        depth++;
                        pos += 2;
                    } else if (d == '*' && pos + 1 < length && text.charAt(pos + 1) == '/') {
                        depth--;
                        pos += 2;
                    } else {
                        pos++;
                    }
                }
                if (depth > 0) {
                    start = commentStart;
                    end = length;
                    type = ERROR;
                    return;
                }
                noteComment(commentStart, pos);
            } else {
                return;
            }
        }
    }

    private void noteComment(int from, int to) {
        if (beforeFirstToken) {
            leadingComment = true;
            if (containsIgnoreCase(text, from, to, "NO LOAD BALANCE")) {
                noLoadBalanceHint = true;
            }
        }
    }

    private boolean startsComment(int at) {
        if (at + 1 >= length) {
            return false;
        }
        char c = text.charAt(at);
        char d = text.charAt(at + 1);
        return (c == '-' && d == '-') || (c == '/' && d == '*');
    }

    /** A '...' string; {@code backslashEscapes} for E'' strings. Adjacent quotes escape a quote. */
    private int quoted(char quote, boolean backslashEscapes) {
        pos++; // opening quote
        while (pos < length) {
            char c = text.charAt(pos);
            if (backslashEscapes && c == '\\') {
                pos += 2;
            } else if (c == quote) {
                if (pos + 1 < length && text.charAt(pos + 1) == quote) {
                    pos += 2;
                } else {
                    pos++;
                    end = pos;
                    return type = STRING;
                }
            } else {
                pos++;
            }
        }
        end = length;
        error = true;
        return type = ERROR;
    }

    private int quotedIdentifier() {
        int t = quoted('"', false);
        return t == STRING ? (type = QUOTED_IDENT) : t;
    }

    /** {@code $1} (parameter), {@code $tag$...$tag$} or {@code $$...$$} (dollar-quoted string). */
    private int dollar() {
        int p = pos + 1;
        if (p < length && isDigit(text.charAt(p))) {
            while (p < length && isDigit(text.charAt(p))) {
                p++;
            }
            pos = p;
            end = p;
            return type = PARAM;
        }
        // tag: empty or identifier characters without '$'
        if (p < length && isIdentStart(text.charAt(p))) {
            while (p < length && isIdentPart(text.charAt(p)) && text.charAt(p) != '$') {
                p++;
            }
        }
        if (p >= length || text.charAt(p) != '$') {
            return single(OPERATOR);
        }
        int tagLength = p - pos + 1; // includes both dollars
        int bodyStart = p + 1;
        int close = bodyStart;
        while (true) {
            close = text.indexOf('$', close);
            if (close < 0 || close + tagLength > length) {
                end = length;
                pos = length;
                error = true;
                return type = ERROR;
            }
            if (text.regionMatches(close, text, pos, tagLength)) {
                pos = close + tagLength;
                end = pos;
                return type = STRING;
            }
            close++;
        }
    }

    private int number() {
        pos = numberEnd(text, pos);
        end = pos;
        return type = NUMBER;
    }

    /**
     * Where the numeric constant starting at {@code from} (a digit, or a '.' before a digit) ends,
     * as this lexer reads it: digits, '.', '_', letters, and a sign after an exponent's 'e'.
     * {@link StatementShape} masks exactly these runs, so both agree on what a number is.
     */
    static int numberEnd(String text, int from) {
        int p = from + 1;
        while (p < text.length()) {
            char c = text.charAt(p);
            if (isDigit(c) || c == '.' || c == '_' || Character.isLetter(c)) {
                p++;
            } else if ((c == '+' || c == '-') && (text.charAt(p - 1) == 'e' || text.charAt(p - 1) == 'E')) {
                p++;
            } else {
                break;
            }
        }
        return p;
    }

    static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isIdentPart(char c) {
        return isIdentStart(c) || isDigit(c) || c == '$';
    }

    private static boolean isOperatorChar(char c) {
        switch (c) {
            case '+': case '-': case '*': case '/': case '<': case '>': case '=': case '~': case '!':
            case '@': case '#': case '%': case '^': case '&': case '|': case '`': case '?':
                return true;
            default:
                return false;
        }
    }

    private static boolean containsIgnoreCase(String s, int from, int to, String needle) {
        int n = needle.length();
        for (int i = from; i + n <= to; i++) {
            if (s.regionMatches(true, i, needle, 0, n)) {
                return true;
            }
        }
        return false;
    }
}
