package io.tidepool.ops.local;

/** How a role's password is stored ({@code password_encryption} when the role is created). */
public enum PasswordStorage {
    SCRAM_SHA_256("scram-sha-256"),
    MD5("md5");

    private final String setting;

    PasswordStorage(String setting) {
        this.setting = setting;
    }

    /** The value of {@code password_encryption}. */
    public String setting() {
        return setting;
    }
}
