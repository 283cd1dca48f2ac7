package io.tidepool.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The MD5 digests pgpool-II and PostgreSQL store and exchange, as 32 lower-case hex digits.
 * MD5 is a compatibility requirement here (pcp.conf, pool_passwd, the PCP handshake), not a choice.
 */
public final class Md5Hash {

    private static final HexFormat HEX = HexFormat.of();

    private Md5Hash() {
    }

    /** md5hex of the concatenation of the parts. */
    public static String hex(byte[]... parts) {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides MD5", e);
        }
        for (byte[] part : parts) {
            md5.update(part);
        }
        return HEX.formatHex(md5.digest());
    }

    public static String hex(String text) {
        return hex(utf8(text));
    }

    /** The pcp.conf value for a password: md5hex(password) (spec 4.3). */
    public static String pcpConfValue(String password) {
        return hex(password);
    }

    /** PostgreSQL's md5 shadow format used in pool_passwd: {@code md5} + md5hex(password ‖ user) (spec 4.1). */
    public static String postgresShadow(String user, String password) {
        return "md5" + hex(utf8(password), utf8(user));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
