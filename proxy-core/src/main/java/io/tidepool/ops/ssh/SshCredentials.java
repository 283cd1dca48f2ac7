package io.tidepool.ops.ssh;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to prove who we are: private key files (OpenSSH or PEM format, ed25519, ECDSA or RSA),
 * tried in order, with an optional passphrase for them; and/or a password. Keys are offered
 * before the password.
 *
 * @param identityFiles private key files; a missing file is an error when connecting, never skipped silently
 * @param passphrase    passphrase of the encrypted keys, if any
 * @param password      account password, if password authentication is to be tried
 */
public record SshCredentials(List<Path> identityFiles, Optional<String> passphrase, Optional<String> password) {

    public SshCredentials {
        identityFiles = List.copyOf(identityFiles);
        Objects.requireNonNull(passphrase, "passphrase");
        Objects.requireNonNull(password, "password");
        if (identityFiles.isEmpty() && password.isEmpty()) {
            throw new IllegalArgumentException("no identity file and no password: nothing to log in with");
        }
    }

    public static SshCredentials key(Path identityFile) {
        return new SshCredentials(List.of(identityFile), Optional.empty(), Optional.empty());
    }

    public static SshCredentials key(Path identityFile, String passphrase) {
        return new SshCredentials(List.of(identityFile), Optional.of(passphrase), Optional.empty());
    }

    public static SshCredentials password(String password) {
        return new SshCredentials(List.of(), Optional.empty(), Optional.of(password));
    }

    /** Secrets stay out of logs and plans. */
    @Override
    public String toString() {
        return "SshCredentials[identityFiles=" + identityFiles + (passphrase.isPresent() ? ", passphrase=*****" : "")
                + (password.isPresent() ? ", password=*****" : "") + "]";
    }
}
