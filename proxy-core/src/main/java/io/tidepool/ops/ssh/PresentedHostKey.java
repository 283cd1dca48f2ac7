package io.tidepool.ops.ssh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A host key a server presented during key exchange, as the operator must see it before trusting
 * it: the server's known_hosts name, the key type and its SHA-256 fingerprint in OpenSSH's format
 * ({@code SHA256:} + unpadded base64, what {@code ssh-keygen -lf} prints). Immutable.
 */
public final class PresentedHostKey {

    private final String knownHostsName;
    private final String type;
    private final byte[] blob;

    /**
     * @param knownHostsName {@code host} or {@code [host]:port}
     * @param blob           the public key in SSH wire format (its first field names the type)
     */
    public PresentedHostKey(String knownHostsName, byte[] blob) {
        this.knownHostsName = Objects.requireNonNull(knownHostsName);
        this.blob = blob.clone();
        this.type = typeOf(blob);
    }

    /** The key type named inside an SSH public key blob ({@code ssh-ed25519}, {@code ssh-rsa}, ...). */
    static String typeOf(byte[] blob) {
        if (blob.length < 4) {
            throw new IllegalArgumentException("host key of " + blob.length + " bytes is too short");
        }
        int length = ByteBuffer.wrap(blob, 0, 4).getInt();
        if (length <= 0 || length > 64 || length > blob.length - 4) {
            throw new IllegalArgumentException("host key type length " + length + " is invalid");
        }
        return new String(blob, 4, length, StandardCharsets.US_ASCII);
    }

    public String knownHostsName() {
        return knownHostsName;
    }

    public String type() {
        return type;
    }

    public byte[] blob() {
        return blob.clone();
    }

    /** {@code SHA256:...}, as {@code ssh-keygen -l} and the ssh client show it. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The line a known_hosts file holds for this key. */
    public String knownHostsLine() {
        return knownHostsName + " " + type + " " + Base64.getEncoder().encodeToString(blob);
    }

    /** What to show the operator: {@code [127.0.0.1]:2222 ssh-ed25519 SHA256:...}. */
    @Override
    public String toString() {
        return knownHostsName + " " + type + " " + fingerprint();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PresentedHostKey other && knownHostsName.equals(other.knownHostsName)
                && Arrays.equals(blob, other.blob);
    }

    @Override
    public int hashCode() {
        return 31 * knownHostsName.hashCode() + Arrays.hashCode(blob);
    }
}
