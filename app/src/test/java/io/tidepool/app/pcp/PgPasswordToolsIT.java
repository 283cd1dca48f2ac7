package io.tidepool.app.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.admin.pcp.PgpoolTools;
import io.tidepool.auth.AesPasswordCipher;
import io.tidepool.auth.PoolKey;
import io.tidepool.auth.PoolPasswdFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidepool pg_md5} and {@code tidepool pg_enc} against Debian's {@code pg_md5} and
 * {@code pg_enc} (spec 4.2, 4.3): same output, and each reads and updates the other's
 * pool_passwd entries.
 */
class PgPasswordToolsIT {

    @TempDir
    Path dir;

    private Path conf;
    private Path poolPasswd;
    private Path keyFile;
    private final TestTerminal terminal = new TestTerminal();

    @BeforeEach
    void files() throws Exception {
        conf = dir.resolve("pgpool.conf");
        Files.writeString(conf, "port = 9999\npool_passwd = 'pool_passwd'\n");
        poolPasswd = dir.resolve("pool_passwd");
        keyFile = dir.resolve("pgpoolkey");
        Files.writeString(keyFile, "secretkey\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void pgMd5PrintsTheSameHash() throws Exception {
        PgpoolTools.Result theirs = PgpoolTools.run(Map.of(), "pg_md5", "postgres");
        assertThat(terminal.run("pg_md5", "postgres")).isZero();
        assertThat(terminal.out()).isEqualTo(theirs.stdout()).isEqualTo("e8a48653851e28c69d0506508fb27fc5\n");
    }

    @Test
    void pgMd5EntriesInteroperateBothWays() throws Exception {
        PgpoolTools.Result theirs = PgpoolTools.run(Map.of(), "pg_md5", "-m", "-u", "postgres", "-f", conf.toString(),
                "postgres");
        assertThat(theirs.exitCode()).isZero();
        assertThat(terminal.run("pg_md5", "-m", "-u", "alice", "-f", conf.toString(), "secret")).isZero();
        // Debian's tool replaces the line our tool wrote, and ours the line Debian's wrote.
        assertThat(PgpoolTools.run(Map.of(), "pg_md5", "-m", "-u", "alice", "-f", conf.toString(), "changed")
                .exitCode()).isZero();
        assertThat(terminal.run("pg_md5", "-m", "-u", "postgres", "-f", conf.toString(), "postgres")).isZero();
        assertThat(Files.readString(poolPasswd)).isEqualTo("postgres:md53175bce1d3201d16594cebf9d7eb3f9d\n"
                + "alice:" + io.tidepool.auth.Md5Hash.postgresShadow("alice", "changed") + "\n");
    }

    @Test
    void pgEncPrintsTheSameCipherText() throws Exception {
        PgpoolTools.Result theirs = PgpoolTools.run(Map.of(), "pg_enc", "-K", "secretkey", "postgres");
        assertThat(terminal.run("pg_enc", "-K", "secretkey", "postgres")).isZero();
        assertThat(terminal.out()).isEqualTo(theirs.stdout())
                .isEqualTo("\nqpD6IHPHb/3tSiKk3Nek7g==\npool_passwd string: AESqpD6IHPHb/3tSiKk3Nek7g==\n");
        PgpoolTools.Result theirsFromFile = PgpoolTools.run(Map.of(), "pg_enc", "-k", keyFile.toString(), "postgres");
        assertThat(terminal.run("pg_enc", "-k", keyFile.toString(), "postgres")).isZero();
        assertThat(terminal.out()).isEqualTo(theirsFromFile.stdout());
    }

    @Test
    void pgEncEntriesInteroperateBothWays() throws Exception {
        assertThat(PgpoolTools.run(Map.of(), "pg_enc", "-m", "-k", keyFile.toString(), "-u", "bob", "-f",
                conf.toString(), "postgres").exitCode()).isZero();
        terminal.environment.put("PGPOOLKEYFILE", keyFile.toString());
        assertThat(terminal.run("pg_enc", "-m", "-u", "carol", "-f", conf.toString(), "s3cr3t")).isZero();
        assertThat(terminal.out()).isEqualTo("trying to read key from file " + keyFile + "\n");

        AesPasswordCipher cipher = new AesPasswordCipher(PoolKey.readFile(keyFile));
        PoolPasswdFile file = PoolPasswdFile.read(poolPasswd);
        assertThat(file.find("bob").orElseThrow().clearText(Optional.of(cipher))).contains("postgres");
        assertThat(file.find("carol").orElseThrow().clearText(Optional.of(cipher))).contains("s3cr3t");
        assertThat(Files.readString(poolPasswd)).isEqualTo("bob:AESqpD6IHPHb/3tSiKk3Nek7g==\n"
                + "carol:" + cipher.encrypt("s3cr3t") + "\n");

        // Debian's tool updates the entry ours wrote, in place.
        assertThat(PgpoolTools.run(Map.of(), "pg_enc", "-m", "-k", keyFile.toString(), "-u", "carol", "-f",
                conf.toString(), "postgres").exitCode()).isZero();
        assertThat(Files.readString(poolPasswd)).isEqualTo("bob:AESqpD6IHPHb/3tSiKk3Nek7g==\n"
                + "carol:AESqpD6IHPHb/3tSiKk3Nek7g==\n");
    }

    @Test
    void inputFilesProduceTheSameEntries() throws Exception {
        Path input = dir.resolve("users.txt");
        Files.writeString(input, "dave:pw1\neve:pw2\n");
        Path theirsConf = Files.createDirectory(dir.resolve("theirs")).resolve("pgpool.conf");
        Files.writeString(theirsConf, "pool_passwd = 'pool_passwd'\n");
        PgpoolTools.Result theirs = PgpoolTools.run(Map.of(), "pg_md5", "-m", "-f", theirsConf.toString(), "-i",
                input.toString());
        assertThat(terminal.run("pg_md5", "-m", "-f", conf.toString(), "-i", input.toString())).isZero();
        assertThat(terminal.out()).isEqualTo(theirs.stdout());
        assertThat(Files.readString(poolPasswd)).isEqualTo(Files.readString(theirsConf.resolveSibling("pool_passwd")));
    }
}
