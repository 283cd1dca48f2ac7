package io.tidepool.server.logging;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code log_line_prefix}, parsed once. Escapes (pgpool-II's set plus the PostgreSQL ones that
 * make sense for a proxy):
 *
 * <pre>
 *   %a application name (session) or thread name     %u user name        %d database name
 *   %h client host    %r client host(port)    %c session id    %p process id
 *   %P thread name (pgpool prints its process role)   %l log line number (per process)
 *   %t time stamp      %m time stamp with milliseconds         %n Unix epoch with milliseconds
 *   %% a percent sign
 * </pre>
 *
 * Like PostgreSQL, an escape may carry a padding width ({@code %-10u}, {@code %10u}); an unknown
 * escape produces nothing. Session fields come from the MDC keys of {@link SessionLogContext}.
 */
public final class LogLinePrefix {
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss zzz", Locale.ROOT);
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS zzz", Locale.ROOT);

    private final String text;
    private final List<Part> parts;
    private final ZoneId zone;
    private final long pid;

    private LogLinePrefix(String text, List<Part> parts, ZoneId zone, long pid) {
        this.text = text;
        this.parts = parts;
        this.zone = zone;
        this.pid = pid;
    }

    public static LogLinePrefix parse(String text) {
        return parse(text, ZoneId.systemDefault(), ProcessHandle.current().pid());
    }

    /** For tests: a fixed zone and process id. */
    public static LogLinePrefix parse(String text, ZoneId zone, long pid) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (c != '%') {
                literal.append(c);
                continue;
            }
            if (i == text.length()) {
                break; // a lone '%' at the end prints nothing, as in PostgreSQL
            }
            int padding = 0;
            boolean leftAlign = false;
            if (text.charAt(i) == '-') {
                leftAlign = true;
                i++;
            }
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                padding = Math.min(padding * 10 + (text.charAt(i++) - '0'), 1000);
            }
            if (i == text.length()) {
                break; // a dangling escape at the end: nothing to print
            }
            char escape = text.charAt(i++);
            if (escape == '%') {
                literal.append('%');
                continue;
            }
            if (literal.length() > 0) {
                parts.add(new Part('\0', literal.toString(), 0));
                literal.setLength(0);
            }
            parts.add(new Part(escape, null, leftAlign ? -padding : padding));
        }
        if (literal.length() > 0) {
            parts.add(new Part('\0', literal.toString(), 0));
        }
        return new LogLinePrefix(text, List.copyOf(parts), zone, pid);
    }

    public String text() {
        return text;
    }

    /**
     * Appends the prefix for one line.
     *
     * @param mdc the event's MDC (session fields); may be empty
     * @param lineNumber the value of {@code %l}
     */
    public void render(StringBuilder out, Instant time, Map<String, String> mdc, String threadName, long lineNumber) {
        for (Part part : parts) {
            if (part.escape == '\0') {
                out.append(part.literal);
                continue;
            }
            String value = switch (part.escape) {
                case 'a' -> mdc.getOrDefault(SessionLogContext.APPLICATION_NAME, threadName);
                case 'u' -> mdc.getOrDefault(SessionLogContext.USER, "");
                case 'd' -> mdc.getOrDefault(SessionLogContext.DATABASE, "");
                case 'h' -> mdc.getOrDefault(SessionLogContext.REMOTE_HOST, "");
                case 'r' -> mdc.getOrDefault(SessionLogContext.REMOTE_HOST_PORT, "");
                case 'c' -> mdc.getOrDefault(SessionLogContext.SESSION_ID, "");
                case 'p' -> Long.toString(pid);
                case 'P' -> threadName;
                case 'l' -> Long.toString(lineNumber);
                case 't' -> SECONDS.format(time.atZone(zone));
                case 'm' -> MILLIS.format(time.atZone(zone));
                case 'n' -> String.format(Locale.ROOT, "%d.%03d", time.getEpochSecond(), time.getNano() / 1_000_000);
                default -> "";
            };
            appendPadded(out, value, part.padding);
        }
    }

    private static void appendPadded(StringBuilder out, String value, int padding) {
        int fill = Math.abs(padding) - value.length();
        if (padding > 0) {
            out.append(" ".repeat(Math.max(fill, 0)));
        }
        out.append(value);
        if (padding < 0) {
            out.append(" ".repeat(Math.max(fill, 0)));
        }
    }

    /** A literal ({@code escape == '\0'}) or one escape; negative padding aligns left. */
    private record Part(char escape, String literal, int padding) {
    }

    @Override
    public String toString() {
        return text;
    }
}
