package io.tidepool.auth;

import io.tidepool.auth.hba.HbaClient;
import io.tidepool.auth.hba.HbaMethod;
import io.tidepool.auth.hba.HbaRule;
import io.tidepool.auth.tls.TestCertificates;
import io.tidepool.config.ConfigException;
import io.tidepool.config.PgpoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthenticationServicesTest {

    @TempDir
    Path dir;

    private PgpoolConfig config(String extra) throws Exception {
        Path conf = dir.resolve("pgpool.conf");
        Files.writeString(conf, "enable_pool_hba = on\npool_passwd = 'pool_passwd'\n" + extra);
        return PgpoolConfig.load(conf);
    }

    private static HbaClient client(String user) throws Exception {
        return HbaClient.tcp(InetAddress.getByName("127.0.0.1"), false, user, "db");
    }

    @Test
    void loadsPoolHbaAndPoolPasswdBesidePgpoolConf() throws Exception {
        Files.writeString(dir.resolve("pool_hba.conf"), "host all all 127.0.0.1/32 scram-sha-256\n");
        Files.writeString(dir.resolve("pool_passwd"), "alice:TEXTpw\n");

        AuthenticationServices auth = AuthenticationServices.load(config(""), Optional.empty());

        assertThat(auth.match(client("alice")).map(HbaRule::method)).contains(HbaMethod.SCRAM_SHA_256);
        assertThat(auth.backendCredentials("alice").secret()).contains(new UserSecret.ClearText("pw"));
        assertThat(auth.backendCredentials("bob")).isEqualTo(BackendCredentials.none("bob"));
        assertThat(auth.serverTls()).isEmpty();
        assertThat(auth.backendTls()).isEmpty();
        AuthTestClient alice = new AuthTestClient("alice", "pw");
        FrontendAuthenticator frontend = auth.newFrontendAuthenticator();
        assertThat(alice.run(frontend, frontend.start(client("alice"), auth.match(client("alice")), Optional.empty())))
                .isInstanceOf(AuthStep.Accepted.class);
    }

    @Test
    void brokenPoolHbaStopsTheStartAndOnReloadKeepsTheOldRules() throws Exception {
        Path hba = dir.resolve("pool_hba.conf");
        Files.writeString(hba, "host all all all nonsense\n");
        assertThatThrownBy(() -> AuthenticationServices.load(config(""), Optional.empty()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pool_hba.conf:1:");

        Files.writeString(hba, "host all all all md5\n");
        AuthenticationServices auth = AuthenticationServices.load(config(""), Optional.empty());
        Files.writeString(hba, "host all all all trust\nbroken line\n");
        auth.reload(config(""));
        assertThat(auth.match(client("x")).map(HbaRule::method)).contains(HbaMethod.MD5);

        Files.writeString(hba, "host all all all trust\n");
        auth.reload(config(""));
        assertThat(auth.match(client("x")).map(HbaRule::method)).contains(HbaMethod.TRUST);
    }

    @Test
    void whoAuthenticates() throws Exception {
        Files.writeString(dir.resolve("pool_hba.conf"), "host all all all md5\n");
        AuthenticationServices withHba = AuthenticationServices.load(config(""), Optional.empty());
        AuthenticationServices withoutHba = AuthenticationServices.load(config("enable_pool_hba = off\n"), Optional.empty());

        assertThat(withHba.proxyAuthenticates(1, true)).isTrue();
        assertThat(withoutHba.proxyAuthenticates(1, false)).as("one backend: relay").isFalse();
        assertThat(withoutHba.proxyAuthenticates(2, true)).as("raw mode: relay to the one it uses").isFalse();
        assertThat(withoutHba.proxyAuthenticates(2, false)).as("several backends: the proxy must").isTrue();
        assertThat(withoutHba.poolHba()).isEmpty();
        assertThat(withoutHba.match(client("x"))).isEmpty();
    }

    @Test
    void enablingPoolHbaOnReloadReadsTheFile() throws Exception {
        AuthenticationServices auth = AuthenticationServices.load(config("enable_pool_hba = off\n"), Optional.empty());
        Files.writeString(dir.resolve("pool_hba.conf"), "host all all all reject\n");

        auth.reload(config(""));

        assertThat(auth.match(client("x")).map(HbaRule::method)).contains(HbaMethod.REJECT);
    }

    @Test
    void tlsFromPgpoolConfWithRelativeFileNames() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        Files.writeString(dir.resolve("pool_hba.conf"), "hostssl all all all cert\n");

        AuthenticationServices auth = AuthenticationServices.load(config("ssl = on\nssl_cert = 'pki/server.crt'\n"
                + "ssl_key = 'pki/server.key'\nssl_ca_cert = 'pki/ca.crt'\n"), Optional.empty());

        assertThat(auth.serverTls()).hasValueSatisfying(tls -> assertThat(tls.requestsClientCertificates()).isTrue());
        assertThat(auth.backendTls()).hasValueSatisfying(tls -> assertThat(tls.verifiesServer()).isTrue());
        assertThatThrownBy(() -> AuthenticationServices.load(config("ssl = on\nssl_cert = 'pki/missing.crt'\n"
                + "ssl_key = 'pki/server.key'\n"), Optional.empty())).hasMessageContaining("missing.crt");
    }

    @Test
    void aesEntriesUseThePoolKey() throws Exception {
        PoolKey key = PoolKey.of("k");
        Files.writeString(dir.resolve("pool_hba.conf"), "host all all all md5\n");
        Files.writeString(dir.resolve("pool_passwd"), "alice:" + new AesPasswordCipher(key).encrypt("pw") + "\n");

        assertThat(AuthenticationServices.load(config(""), Optional.of(key)).backendCredentials("alice").secret())
                .contains(new UserSecret.ClearText("pw"));
        assertThat(AuthenticationServices.load(config(""), Optional.empty()).backendCredentials("alice").secret())
                .hasValueSatisfying(s -> assertThat(s).isInstanceOf(UserSecret.Unusable.class));
    }

    @Test
    void methodMirroringFollowsTheMainBackendsRequest() {
        assertThat(AuthenticationServices.methodMirroring(0)).contains(HbaMethod.TRUST);
        assertThat(AuthenticationServices.methodMirroring(3)).contains(HbaMethod.PASSWORD);
        assertThat(AuthenticationServices.methodMirroring(5)).contains(HbaMethod.MD5);
        assertThat(AuthenticationServices.methodMirroring(10)).contains(HbaMethod.SCRAM_SHA_256);
        assertThat(AuthenticationServices.methodMirroring(7)).isEmpty();
    }

    @Test
    void hbaFileFromTheCommandLineIsReadAndReloaded() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("etc")).resolve("my_hba.conf");
        Files.writeString(elsewhere, "host all all all md5\n");
        Files.writeString(dir.resolve("pool_hba.conf"), "host all all all trust\n");

        AuthenticationServices auth = AuthenticationServices.load(config(""), elsewhere, Optional.empty());
        assertThat(auth.match(client("x")).map(HbaRule::method)).contains(HbaMethod.MD5);

        Files.writeString(elsewhere, "host all all all reject\n");
        auth.reload(config(""));
        assertThat(auth.match(client("x")).map(HbaRule::method)).contains(HbaMethod.REJECT);
    }
}
