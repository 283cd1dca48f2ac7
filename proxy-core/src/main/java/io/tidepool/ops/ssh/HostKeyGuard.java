package io.tidepool.ops.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.UserInfo;

import java.util.Optional;

/**
 * JSch's view of a {@link KnownHostsFile} for one connection attempt: answers JSch's host-key
 * check from the file and remembers the key the server presented, so that a refusal can show
 * its fingerprint. Never adds keys: with {@code StrictHostKeyChecking=yes} JSch refuses unknown
 * and changed keys, and only {@link KnownHostsFile#trust} records one.
 */
final class HostKeyGuard implements HostKeyRepository {

    private final KnownHostsFile knownHosts;
    private volatile PresentedHostKey presented;

    HostKeyGuard(KnownHostsFile knownHosts) {
        this.knownHosts = knownHosts;
    }

    Optional<PresentedHostKey> presented() {
        return Optional.ofNullable(presented);
    }

    @Override
    public int check(String host, byte[] key) {
        PresentedHostKey offered = new PresentedHostKey(host, key);
        presented = offered;
        return switch (knownHosts.check(offered)) {
            case TRUSTED -> OK;
            case UNKNOWN -> NOT_INCLUDED;
            case CHANGED -> CHANGED;
        };
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // Deliberately nothing: trust is an explicit step of the operator (KnownHostsFile.trust).
    }

    @Override
    public void remove(String host, String type) {
        // known_hosts lines are removed by the operator only.
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        // As above.
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return knownHosts.path().toString();
    }

    @Override
    public HostKey[] getHostKey() {
        return new HostKey[0];
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        return new HostKey[0];
    }
}
