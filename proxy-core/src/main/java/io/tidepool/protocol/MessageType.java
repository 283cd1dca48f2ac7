package io.tidepool.protocol;

/**
 * Type bytes of the v3 protocol (PostgreSQL protocol chapter, "Message Formats"). Several
 * bytes mean different messages in each direction ({@code 'D'} is Describe from a client,
 * DataRow from a server), hence two groups.
 */
public final class MessageType {
    private MessageType() {
    }

    // Frontend (client -> server)
    public static final byte BIND = 'B';
    public static final byte CLOSE = 'C';
    public static final byte COPY_DATA = 'd';
    public static final byte COPY_DONE = 'c';
    public static final byte COPY_FAIL = 'f';
    public static final byte DESCRIBE = 'D';
    public static final byte EXECUTE = 'E';
    public static final byte FLUSH = 'H';
    public static final byte FUNCTION_CALL = 'F';
    public static final byte PARSE = 'P';
    /** PasswordMessage, SASLInitialResponse, SASLResponse and GSSResponse all use 'p'. */
    public static final byte PASSWORD = 'p';
    public static final byte QUERY = 'Q';
    public static final byte SYNC = 'S';
    public static final byte TERMINATE = 'X';

    // Backend (server -> client)
    public static final byte AUTHENTICATION = 'R';
    public static final byte BACKEND_KEY_DATA = 'K';
    public static final byte BIND_COMPLETE = '2';
    public static final byte CLOSE_COMPLETE = '3';
    public static final byte COMMAND_COMPLETE = 'C';
    public static final byte COPY_IN_RESPONSE = 'G';
    public static final byte COPY_OUT_RESPONSE = 'H';
    public static final byte COPY_BOTH_RESPONSE = 'W';
    public static final byte DATA_ROW = 'D';
    public static final byte EMPTY_QUERY_RESPONSE = 'I';
    public static final byte ERROR_RESPONSE = 'E';
    public static final byte FUNCTION_CALL_RESPONSE = 'V';
    public static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';
    public static final byte NO_DATA = 'n';
    public static final byte NOTICE_RESPONSE = 'N';
    public static final byte NOTIFICATION_RESPONSE = 'A';
    public static final byte PARAMETER_DESCRIPTION = 't';
    public static final byte PARAMETER_STATUS = 'S';
    public static final byte PARSE_COMPLETE = '1';
    public static final byte PORTAL_SUSPENDED = 's';
    public static final byte READY_FOR_QUERY = 'Z';
    public static final byte ROW_DESCRIPTION = 'T';

    private static final boolean[] FRONTEND = new boolean[256];

    static {
        for (byte b : new byte[] {BIND, CLOSE, COPY_DATA, COPY_DONE, COPY_FAIL, DESCRIBE, EXECUTE, FLUSH,
                FUNCTION_CALL, PARSE, PASSWORD, QUERY, SYNC, TERMINATE}) {
            FRONTEND[b & 0xff] = true;
        }
    }

    /** Whether a client may send a typed message with this byte once authenticated. */
    public static boolean isFrontend(byte type) {
        return FRONTEND[type & 0xff];
    }

    /** The type byte as it reads in logs and errors: {@code 'Q'}, or {@code 0x07} when not printable. */
    public static String describe(byte type) {
        int b = type & 0xff;
        return b >= 0x21 && b < 0x7f ? "'" + (char) b + "'" : String.format("0x%02x", b);
    }
}
