package io.tidepool.admin.pcp;

import io.tidepool.auth.Md5Hash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The PCP salted-md5 handshake (spec 1.4): the client sends
 * md5hex(md5hex(md5hex(password) ‖ user) ‖ salt); pcp.conf stores md5hex(password), so the
 * server can recompute the same value without knowing the password.
 */
public final class PcpAuthentication {

    /** Bytes of salt the server sends in its {@code m} packet. */
    public static final int SALT_LENGTH = 4;
    /** Payload of the success packet {@code r}. */
    public static final String AUTHENTICATION_OK = "AuthenticationOK";

    private PcpAuthentication() {
    }

    /** What the client sends for a typed password. */
    public static String clientResponse(String user, String password, byte[] salt) {
        return responseForStored(Md5Hash.pcpConfValue(password), user, salt);
    }

    /** What the client must send, computed from the value stored in pcp.conf (used verbatim). */
    public static String responseForStored(String stored, String user, byte[] salt) {
        String userHash = Md5Hash.hex(bytes(stored), bytes(user));
        return Md5Hash.hex(bytes(userHash), salt);
    }

    /** Compares in constant time, so the answer does not leak how many characters matched. */
    public static boolean verify(String stored, String user, byte[] salt, String received) {
        return MessageDigest.isEqual(bytes(responseForStored(stored, user, salt)), bytes(received));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
