package io.tidepool.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.auth.PoolPasswdEntry.PasswordType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolPasswdFileTest {

    @Test
    void md5ShadowMatchesTheSpecExample() {
        assertThat(Md5Hash.postgresShadow("postgres", "postgres")).isEqualTo("md53175bce1d3201d16594cebf9d7eb3f9d");
        assertThat(Md5Hash.pcpConfValue("postgres")).isEqualTo("e8a48653851e28c69d0506508fb27fc5");
    }

    @Test
    void classifiesStoredPasswordsByPrefix() {
        assertThat(PoolPasswdEntry.typeOf("md53175bce1d3201d16594cebf9d7eb3f9d")).isEqualTo(PasswordType.MD5);
        assertThat(PoolPasswdEntry.typeOf("md5short")).isEqualTo(PasswordType.PLAIN);
        assertThat(PoolPasswdEntry.typeOf("AESqpD6IHPHb/3tSiKk3Nek7g==")).isEqualTo(PasswordType.AES);
        assertThat(PoolPasswdEntry.typeOf("SCRAM-SHA-256$4096:c2FsdA==$a:b")).isEqualTo(PasswordType.SCRAM_SHA_256);
        assertThat(PoolPasswdEntry.typeOf("TEXTs3cr3t")).isEqualTo(PasswordType.TEXT);
        assertThat(PoolPasswdEntry.typeOf("s3cr3t")).isEqualTo(PasswordType.PLAIN);
    }

    @Test
    void recoversClearTextWhereItCan() {
        AesPasswordCipher cipher = new AesPasswordCipher(PoolKey.of("secretkey"));
        assertThat(PoolPasswdEntry.of("a", "TEXTs3cr3t").clearText(Optional.empty())).contains("s3cr3t");
        assertThat(PoolPasswdEntry.of("a", "plain").clearText(Optional.empty())).contains("plain");
        assertThat(PoolPasswdEntry.of("a", "AESqpD6IHPHb/3tSiKk3Nek7g==").clearText(Optional.of(cipher)))
                .contains("postgres");
        assertThat(PoolPasswdEntry.of("a", "AESqpD6IHPHb/3tSiKk3Nek7g==").clearText(Optional.empty())).isEmpty();
        assertThat(PoolPasswdEntry.of("a", "md53175bce1d3201d16594cebf9d7eb3f9d").clearText(Optional.of(cipher)))
                .isEmpty();
    }

    @Test
    void parsesEscapesAndTheBackendUserExtension() {
        PoolPasswdFile file = PoolPasswdFile.parse("al\\:ice:pa\\\\ss\nbob:TEXTx:pgbob:TEXTy\nnocolon\n");
        assertThat(file.entries()).hasSize(2);
        assertThat(file.find("al:ice")).hasValueSatisfying(e -> assertThat(e.storedPassword()).isEqualTo("pa\\ss"));
        PoolPasswdEntry bob = file.find("bob").orElseThrow();
        assertThat(bob.backendUser()).contains("pgbob");
        assertThat(bob.backendPassword()).contains("TEXTy");
    }

    @Test
    void withEntryReplacesTheUsersLineAndKeepsTheRest() {
        PoolPasswdFile file = PoolPasswdFile.parse("# kept\nalice:old\nbob:x\n");
        PoolPasswdFile changed = file.withEntry("alice", "md5new").withEntry("carol", "AESabc");
        assertThat(changed.format()).isEqualTo("# kept\nalice:md5new\nbob:x\ncarol:AESabc\n");
        assertThat(file.format()).isEqualTo("# kept\nalice:old\nbob:x\n");
    }

    @Test
    void writesAtomicallyWithOwnerOnlyPermissions(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("pool_passwd");
        PoolPasswdFile.read(target).withEntry("postgres", "md53175bce1d3201d16594cebf9d7eb3f9d").write(target);
        assertThat(Files.readString(target)).isEqualTo("postgres:md53175bce1d3201d16594cebf9d7eb3f9d\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
        assertThat(dir.toFile().list()).containsExactly("pool_passwd");
    }

    @Test
    void locatesPoolPasswdNextToPgpoolConf(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("pgpool.conf");
        Files.writeString(conf, "port = 9999\n");
        assertThat(PoolPasswdFile.locate(conf)).contains(dir.resolve("pool_passwd"));
        Files.writeString(conf, "pool_passwd = 'auth/passwords' # comment\n");
        assertThat(PoolPasswdFile.locate(conf)).contains(dir.resolve("auth/passwords"));
        Files.writeString(conf, "pool_passwd = '/etc/x'\n#pool_passwd = 'ignored'\n");
        assertThat(PoolPasswdFile.locate(conf)).contains(Path.of("/etc/x"));
        Files.writeString(conf, "pool_passwd = ''\n");
        assertThat(PoolPasswdFile.locate(conf)).isEmpty();
    }

    @Test
    void scramSecretCopiedFromPgAuthidIsReadWholeDespiteItsColons() {
        String secret = "SCRAM-SHA-256$4096:MDEyMzQ1Njc4OWFiY2RlZg==$3ECvmzv2vp23jPXfC4cKGS+xlBFF/wT+O6hrZwAAAAA="
                + ":J2b7B0ow9Yd4mQ3CP1eq8fXQrW7y1rWkJ1OZCzV3k9E=";
        PoolPasswdFile file = PoolPasswdFile.parse("alice:" + secret + "\nbob:" + secret + ":owner:TEXTpw\r\n");

        assertThat(file.find("alice").orElseThrow().storedPassword()).isEqualTo(secret);
        assertThat(file.find("alice").orElseThrow().type()).isEqualTo(PoolPasswdEntry.PasswordType.SCRAM_SHA_256);
        PoolPasswdEntry bob = file.find("bob").orElseThrow();
        assertThat(bob.storedPassword()).isEqualTo(secret);
        assertThat(bob.backendUser()).contains("owner");
        assertThat(bob.backendPassword()).contains("TEXTpw");
        ScramVerifier.parse(bob.storedPassword());
    }

    @Test
    void scramSecretWrittenByWithEntryIsEscapedAndReadBack() {
        String secret = ScramVerifier.fromPassword("pw", "0123456789abcdef".getBytes(), 4096).format();

        PoolPasswdFile file = PoolPasswdFile.parse(PoolPasswdFile.empty().withEntry("alice", secret).format());

        assertThat(file.format()).contains("\\:");
        assertThat(file.find("alice").orElseThrow().storedPassword()).isEqualTo(secret);
    }
}
