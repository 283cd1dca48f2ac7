package io.tidepool.protocol.backend;

import io.tidepool.protocol.PgException;

/** The transaction status byte of ReadyForQuery. */
public enum TransactionStatus {
    /** 'I': not in a transaction block. */
    IDLE('I'),
    /** 'T': in a transaction block. */
    IN_TRANSACTION('T'),
    /** 'E': in a failed transaction block; statements are rejected until it ends. */
    FAILED('E');

    private final byte code;

    TransactionStatus(char code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** Maps the status byte without allocating. */
    public static TransactionStatus of(byte code) {
        return switch (code) {
            case 'I' -> IDLE;
            case 'T' -> IN_TRANSACTION;
            case 'E' -> FAILED;
            default -> throw PgException.protocolViolation("invalid transaction status byte " + (code & 0xff)
                    + " in ReadyForQuery");
        };
    }
}
