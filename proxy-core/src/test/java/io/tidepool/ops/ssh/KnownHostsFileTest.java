package io.tidepool.ops.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsFileTest {

    @TempDir
    Path dir;

    /** An SSH public key blob: the type as an SSH string, then some key bytes. */
    private static byte[] blob(String type, int seed) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(4 + name.length + 4 + 32);
        buffer.putInt(name.length).put(name).putInt(32);
        for (int i = 0; i < 32; i++) {
            buffer.put((byte) (seed + i));
        }
        return buffer.array();
    }

    private static String line(String hosts, byte[] blob) {
        return hosts + " " + PresentedHostKey.typeOf(blob) + " " + Base64.getEncoder().encodeToString(blob) + "\n";
    }

    @Test
    void missingFileKnowsNothing() {
        KnownHostsFile file = new KnownHostsFile(dir.resolve("none"));

        assertThat(file.check(new PresentedHostKey("db1", blob("ssh-ed25519", 1)))).isEqualTo(KnownHostsFile.Verdict.UNKNOWN);
    }

    @Test
    void sameKeyIsTrustedOtherKeyOfTheTypeIsAChange() throws Exception {
        Path path = dir.resolve("known_hosts");
        Files.writeString(path, "# comment\n\n" + line("db1,10.0.0.1", blob("ssh-ed25519", 1)) + line("[db2]:2222", blob("ssh-rsa", 2)));
        KnownHostsFile file = new KnownHostsFile(path);

        assertThat(file.check(new PresentedHostKey("db1", blob("ssh-ed25519", 1)))).isEqualTo(KnownHostsFile.Verdict.TRUSTED);
        assertThat(file.check(new PresentedHostKey("10.0.0.1", blob("ssh-ed25519", 1)))).isEqualTo(KnownHostsFile.Verdict.TRUSTED);
        assertThat(file.check(new PresentedHostKey("db1", blob("ssh-ed25519", 9)))).isEqualTo(KnownHostsFile.Verdict.CHANGED);
        assertThat(file.check(new PresentedHostKey("db1", blob("ecdsa-sha2-nistp256", 1))))
                .as("another key type is new, not changed").isEqualTo(KnownHostsFile.Verdict.UNKNOWN);
        assertThat(file.check(new PresentedHostKey("[db2]:2222", blob("ssh-rsa", 2)))).isEqualTo(KnownHostsFile.Verdict.TRUSTED);
        assertThat(file.check(new PresentedHostKey("db2", blob("ssh-rsa", 2)))).as("port 22 is another name")
                .isEqualTo(KnownHostsFile.Verdict.UNKNOWN);
    }

    @Test
    void wildcardsNegationHashedNamesAndRevokedKeys() throws Exception {
        byte[] salt = new byte[20];
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        String hashed = "|1|" + Base64.getEncoder().encodeToString(salt) + "|"
                + Base64.getEncoder().encodeToString(mac.doFinal("secret-host".getBytes(StandardCharsets.UTF_8)));
        Path path = dir.resolve("known_hosts");
        Files.writeString(path, line("*.db.example,!bad.db.example", blob("ssh-ed25519", 1))
                + line(hashed, blob("ssh-ed25519", 3))
                + "@revoked " + line("db9", blob("ssh-ed25519", 4))
                + "@cert-authority " + line("*", blob("ssh-ed25519", 5)));
        KnownHostsFile file = new KnownHostsFile(path);

        assertThat(file.check(new PresentedHostKey("a.db.example", blob("ssh-ed25519", 1)))).isEqualTo(KnownHostsFile.Verdict.TRUSTED);
        assertThat(file.check(new PresentedHostKey("bad.db.example", blob("ssh-ed25519", 1)))).isEqualTo(KnownHostsFile.Verdict.UNKNOWN);
        assertThat(file.check(new PresentedHostKey("secret-host", blob("ssh-ed25519", 3)))).isEqualTo(KnownHostsFile.Verdict.TRUSTED);
        assertThat(file.check(new PresentedHostKey("db9", blob("ssh-ed25519", 4)))).isEqualTo(KnownHostsFile.Verdict.CHANGED);
        assertThat(file.check(new PresentedHostKey("other", blob("ssh-ed25519", 5)))).as("certificate authorities are not used")
                .isEqualTo(KnownHostsFile.Verdict.UNKNOWN);
    }

    @Test
    void trustNeedsTheConfirmedFingerprintAndAppendsOneLine() throws Exception {
        Path path = dir.resolve("sub").resolve("known_hosts");
        KnownHostsFile file = new KnownHostsFile(path);
        PresentedHostKey key = new PresentedHostKey("[db1]:2222", blob("ssh-ed25519", 7));

        assertThatThrownBy(() -> file.trust(key, "SHA256:wrong")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key.fingerprint());
        assertThat(path).doesNotExist();

        file.trust(key, key.fingerprint());
        file.trust(key, key.fingerprint());

        assertThat(Files.readString(path)).isEqualTo(key.knownHostsLine() + "\n");
        assertThat(file.check(key)).isEqualTo(KnownHostsFile.Verdict.TRUSTED);
        assertThat(file.knownTypes("[db1]:2222")).containsExactly("ssh-ed25519");
    }

    @Test
    void fingerprintIsOpenSshsSha256Format() {
        PresentedHostKey key = new PresentedHostKey("db1", blob("ssh-ed25519", 0));

        assertThat(key.fingerprint()).startsWith("SHA256:").doesNotEndWith("=").hasSize(7 + 43);
        assertThat(key.toString()).isEqualTo("db1 ssh-ed25519 " + key.fingerprint());
    }
}
