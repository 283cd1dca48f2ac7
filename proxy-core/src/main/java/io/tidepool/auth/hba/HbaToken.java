package io.tidepool.auth.hba;

/**
 * One item of a pool_hba.conf field: its text without quotes, and whether it was quoted
 * (a quoted item is never a keyword).
 */
record HbaToken(String text, boolean quoted) {

    boolean isKeyword(String keyword) {
        return !quoted && text.equalsIgnoreCase(keyword);
    }

    @Override
    public String toString() {
        return quoted ? "\"" + text + "\"" : text;
    }
}
