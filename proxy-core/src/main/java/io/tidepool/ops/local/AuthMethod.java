package io.tidepool.ops.local;

/** The {@code pg_hba.conf} methods a local cluster can be set up with. */
public enum AuthMethod {
    TRUST("trust"),
    /** Clear-text password. */
    PASSWORD("password"),
    /** MD5 challenge; PostgreSQL falls back to SCRAM for roles whose password is stored as SCRAM. */
    MD5("md5"),
    SCRAM_SHA_256("scram-sha-256"),
    REJECT("reject");

    private final String hbaKeyword;

    AuthMethod(String hbaKeyword) {
        this.hbaKeyword = hbaKeyword;
    }

    /** As written in {@code pg_hba.conf}. */
    public String hbaKeyword() {
        return hbaKeyword;
    }
}
