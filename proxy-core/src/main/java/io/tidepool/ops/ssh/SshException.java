package io.tidepool.ops.ssh;

/**
 * An SSH operation failed. Subclasses say why when the caller can act on it: an unknown or changed
 * host key, refused credentials, a lost connection, a timeout, a cancellation. Messages name the
 * server and the operation and start lower-case.
 */
public class SshException extends RuntimeException {

    public SshException(String message) {
        super(message);
    }

    public SshException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The server's host key is not in known_hosts. Nothing was sent to the server. Show
     * {@link #hostKey()} (its fingerprint) to the operator; when they confirm it, call
     * {@link KnownHostsFile#trust} and connect again.
     */
    public static final class UnknownHostKey extends SshException {
        private final PresentedHostKey hostKey;

        public UnknownHostKey(PresentedHostKey hostKey, String knownHostsFile) {
            super("the host key of " + hostKey.knownHostsName() + " is not trusted yet (" + hostKey.type() + " "
                    + hostKey.fingerprint() + ", not in " + knownHostsFile + "); verify the fingerprint on the server "
                    + "(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and trust it");
            this.hostKey = hostKey;
        }

        public PresentedHostKey hostKey() {
            return hostKey;
        }
    }

    /**
     * The server presented a key different from the one known_hosts holds for it: either the
     * server was reinstalled or someone is in the middle. Never accepted automatically.
     */
    public static final class HostKeyChanged extends SshException {
        private final PresentedHostKey hostKey;

        public HostKeyChanged(PresentedHostKey hostKey, String knownHostsFile) {
            super("the host key of " + hostKey.knownHostsName() + " has changed (" + hostKey.type() + " "
                    + hostKey.fingerprint() + " differs from " + knownHostsFile + "); if the server was reinstalled, "
                    + "remove its old line from that file and trust the new key, otherwise do not connect");
            this.hostKey = hostKey;
        }

        public PresentedHostKey hostKey() {
            return hostKey;
        }
    }

    /** The server refused every key and password offered. */
    public static final class AuthenticationFailed extends SshException {
        public AuthenticationFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The connection ended (network, server restart, killed session) while an operation ran. */
    public static final class ConnectionLost extends SshException {
        public ConnectionLost(String message) {
            super(message);
        }

        public ConnectionLost(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An operation ran past its time limit; it was stopped. */
    public static final class Timeout extends SshException {
        public Timeout(String message) {
            super(message);
        }
    }

    /** The caller cancelled the operation; it was stopped. */
    public static final class Cancelled extends SshException {
        public Cancelled(String message) {
            super(message);
        }
    }
}
