package io.tidepool.routing;

/** The transaction status byte of PostgreSQL's ReadyForQuery message. */
public enum TransactionStatus {
    IDLE('I'),
    IN_TRANSACTION('T'),
    FAILED('E');

    private final char code;

    TransactionStatus(char code) {
        this.code = code;
    }

    public char code() {
        return code;
    }

    /** Decodes the ReadyForQuery status byte; anything else is a protocol violation. */
    public static TransactionStatus fromCode(char code) {
        switch (code) {
            case 'I': return IDLE;
            case 'T': return IN_TRANSACTION;
            case 'E': return FAILED;
            default:
                throw new IllegalArgumentException("ReadyForQuery transaction status '" + code + "' is not I, T or E");
        }
    }

    /** Inside an explicit transaction block (healthy or failed). */
    public boolean inTransaction() {
        return this != IDLE;
    }
}
