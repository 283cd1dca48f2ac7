package io.tidepool.admin.pcp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An error or notice sent to a PCP client (spec 1.5): tag {@code E} for ERROR and worse,
 * {@code N} below; fields S, C, M, [D], [H], F, L in exactly that order, then a NUL.
 *
 * <p>The order and the lower-case start of message and detail are not cosmetic: pgpool-II's
 * client resumes scanning at the first character of an S/M/D value, so a text starting with
 * {@code S}, {@code M} or {@code D} would be misread. {@link #of} lower-cases such a first letter.
 *
 * @param severity {@code ERROR}, {@code FATAL}, {@code WARNING}, {@code NOTICE}, ...
 * @param code     SQLSTATE-like code; pgpool-II sends {@code XX000}
 * @param file     where the error was raised (pgpool-II sends a C file name)
 * @param line     line in {@code file}
 */
public record PcpErrorPacket(String severity, String code, String message, Optional<String> detail,
                             Optional<String> hint, String file, int line) {

    /** Each field is cut to this many bytes, as pgpool-II does. */
    public static final int MAX_FIELD_BYTES = 255;
    public static final String INTERNAL_ERROR = "XX000";

    public PcpErrorPacket {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(file, "file");
    }

    public static PcpErrorPacket error(String message, String detail) {
        return of("ERROR", message, detail);
    }

    public static PcpErrorPacket fatal(String message, String detail) {
        return of("FATAL", message, detail);
    }

    /**
     * An error with pgpool-II's code {@code XX000}, located at the caller. A message or detail
     * starting with S, M or D gets its first letter lower-cased (see class comment).
     */
    public static PcpErrorPacket of(String severity, String message, String detail) {
        StackWalker.StackFrame caller = StackWalker.getInstance()
                .walk(frames -> frames.filter(f -> !f.getClassName().equals(PcpErrorPacket.class.getName()))
                        .findFirst())
                .orElseThrow();
        return new PcpErrorPacket(severity, INTERNAL_ERROR, safeStart(message),
                Optional.ofNullable(detail).map(PcpErrorPacket::safeStart), Optional.empty(),
                caller.getFileName() == null ? "tidepool" : caller.getFileName(), Math.max(0, caller.getLineNumber()));
    }

    static String safeStart(String text) {
        if (!text.isEmpty() && "SMD".indexOf(text.charAt(0)) >= 0) {
            return Character.toLowerCase(text.charAt(0)) + text.substring(1);
        }
        return text;
    }

    /** ERROR, FATAL and PANIC travel as {@code E}; everything else as {@code N}. */
    public boolean isError() {
        return switch (severity.toUpperCase(Locale.ROOT)) {
            case "ERROR", "FATAL", "PANIC" -> true;
            default -> false;
        };
    }

    public boolean isFatal() {
        return severity.equalsIgnoreCase("FATAL") || severity.equalsIgnoreCase("PANIC");
    }

    public PcpPacket toPacket() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        field(out, 'S', severity);
        field(out, 'C', code);
        field(out, 'M', message);
        detail.ifPresent(d -> field(out, 'D', d));
        hint.ifPresent(h -> field(out, 'H', h));
        field(out, 'F', file);
        field(out, 'L', Integer.toString(line));
        out.write(0);
        return PcpPacket.wrap(isError() ? 'E' : 'N', out.toByteArray());
    }

    private static void field(ByteArrayOutputStream out, char type, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, MAX_FIELD_BYTES);
        out.write(type);
        out.write(bytes, 0, length);
        out.write(0);
    }

    /**
     * Reads an {@code E} or {@code N} packet field by field (unknown field types are kept out,
     * missing F/L are tolerated).
     */
    public static PcpErrorPacket decode(PcpPacket packet) {
        if (packet.tag() != 'E' && packet.tag() != 'N') {
            throw new IllegalArgumentException("not an error or notice packet: " + packet.tag());
        }
        String severity = packet.tag() == 'E' ? "ERROR" : "NOTICE";
        String code = INTERNAL_ERROR;
        String message = "";
        String detail = null;
        String hint = null;
        String file = "";
        int line = 0;
        byte[] payload = packet.payload();
        int i = 0;
        while (i < payload.length && payload[i] != 0) {
            char type = (char) payload[i++];
            int start = i;
            while (i < payload.length && payload[i] != 0) {
                i++;
            }
            String value = new String(payload, start, i - start, StandardCharsets.UTF_8);
            i++;
            switch (type) {
                case 'S' -> severity = value;
                case 'C' -> code = value;
                case 'M' -> message = value;
                case 'D' -> detail = value;
                case 'H' -> hint = value;
                case 'F' -> file = value;
                case 'L' -> line = parseLine(value);
                default -> {
                    // a field type we do not know: skip it
                }
            }
        }
        return new PcpErrorPacket(severity, code, message, Optional.ofNullable(detail), Optional.ofNullable(hint),
                file, line);
    }

    private static int parseLine(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
