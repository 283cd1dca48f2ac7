package io.tidepool.auth.tls;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TLS server side with certificates made by openssl, handshakes run in memory. */
class ServerTlsTest {

    @TempDir
    static Path dir;
    static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.create(dir.resolve("pki"));
        certs.client("alice", "alice");
        certs.client("bob", "bob");
        certs.expiredClient("old", "alice");
        certs.stranger("mallory", "alice");
    }

    static TlsSettings settings(boolean withCa) {
        return new TlsSettings(true, Optional.of(certs.cert("server")), Optional.of(certs.key("server")),
                withCa ? Optional.of(certs.ca()) : Optional.empty(), Optional.empty(), Optional.empty(),
                TlsSettings.DEFAULT_CIPHERS, false, "prime256v1", Optional.empty(), "");
    }

    static SSLEngine client(Optional<String> clientName, String... suites) throws Exception {
        return ClientEngines.engine(certs.ca(), clientName.map(certs::cert), clientName.map(certs::key), suites);
    }

    @Test
    void handshakeWithoutClientCertificateSucceedsAndHasNoCommonName() throws Exception {
        ServerTls tls = ServerTls.build(settings(true));
        SSLEngine server = tls.newEngine(ByteBufAllocator.DEFAULT);

        InMemoryHandshake.run(client(Optional.empty()), server);

        assertThat(ServerTls.clientCommonName(server.getSession())).isEmpty();
        assertThat(server.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }

    @Test
    void trustedClientCertificateGivesItsCommonName() throws Exception {
        ServerTls tls = ServerTls.build(settings(true));
        SSLEngine server = tls.newEngine(ByteBufAllocator.DEFAULT);

        InMemoryHandshake.run(client(Optional.of("alice")), server);

        assertThat(ServerTls.clientCommonName(server.getSession())).contains("alice");
        assertThat(tls.requestsClientCertificates()).isTrue();
    }

    @Test
    void expiredClientCertificateFailsTheHandshake() throws Exception {
        ServerTls tls = ServerTls.build(settings(true));

        assertThatThrownBy(() -> InMemoryHandshake.run(client(Optional.of("old")), tls.newEngine(ByteBufAllocator.DEFAULT)))
                .isInstanceOf(SSLException.class);
    }

    @Test
    void untrustedClientCertificateFailsTheHandshake() throws Exception {
        ServerTls tls = ServerTls.build(settings(true));

        assertThatThrownBy(() -> InMemoryHandshake.run(client(Optional.of("mallory")), tls.newEngine(ByteBufAllocator.DEFAULT)))
                .isInstanceOf(SSLException.class);
    }

    @Test
    void withoutACaNoClientCertificateIsAskedFor() throws Exception {
        ServerTls tls = ServerTls.build(settings(false));
        SSLEngine server = tls.newEngine(ByteBufAllocator.DEFAULT);

        InMemoryHandshake.run(client(Optional.of("alice")), server);

        assertThat(ServerTls.clientCommonName(server.getSession())).isEmpty();
        assertThat(tls.requestsClientCertificates()).isFalse();
    }

    @Test
    void revokedClientCertificateFailsAndOthersPass(@TempDir Path scratch) throws Exception {
        TestCertificates own = TestCertificates.create(scratch.resolve("pki"));
        own.client("carol", "carol");
        own.client("dave", "dave");
        Path crl = own.revoke("carol");
        TlsSettings settings = new TlsSettings(true, Optional.of(own.cert("server")), Optional.of(own.key("server")),
                Optional.of(own.ca()), Optional.empty(), Optional.of(crl), "HIGH", false, "prime256v1", Optional.empty(), "");
        ServerTls tls = ServerTls.build(settings);
        SSLEngine carol = ClientEngines.engine(own.ca(), Optional.of(own.cert("carol")), Optional.of(own.key("carol")));
        SSLEngine dave = ClientEngines.engine(own.ca(), Optional.of(own.cert("dave")), Optional.of(own.key("dave")));

        assertThatThrownBy(() -> InMemoryHandshake.run(carol, tls.newEngine(ByteBufAllocator.DEFAULT)))
                .isInstanceOf(SSLException.class);
        SSLEngine server = tls.newEngine(ByteBufAllocator.DEFAULT);
        InMemoryHandshake.run(dave, server);
        assertThat(ServerTls.clientCommonName(server.getSession())).contains("dave");
    }

    @Test
    void caDirectoryIsReadLikeACaFile(@TempDir Path caDir) throws Exception {
        Files.copy(certs.ca(), caDir.resolve("ca.pem"));
        Files.writeString(caDir.resolve("README"), "not a certificate\n");
        TlsSettings settings = new TlsSettings(true, Optional.of(certs.cert("server")), Optional.of(certs.key("server")),
                Optional.empty(), Optional.of(caDir), Optional.empty(), "HIGH", false, "prime256v1", Optional.empty(), "");
        SSLEngine server = ServerTls.build(settings).newEngine(ByteBufAllocator.DEFAULT);

        InMemoryHandshake.run(client(Optional.of("bob")), server);

        assertThat(ServerTls.clientCommonName(server.getSession())).contains("bob");
    }

    @Test
    void cipherListIsHonouredForTls12Clients() throws Exception {
        TlsSettings only128 = new TlsSettings(true, Optional.of(certs.cert("server")), Optional.of(certs.key("server")),
                Optional.empty(), Optional.empty(), Optional.empty(), "ECDHE-ECDSA-AES128-GCM-SHA256", false, "prime256v1",
                Optional.empty(), "");
        ServerTls tls = ServerTls.build(only128);

        SSLEngine server = tls.newEngine(ByteBufAllocator.DEFAULT);
        InMemoryHandshake.run(client(Optional.empty(), "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"), server);
        assertThat(server.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThatThrownBy(() -> InMemoryHandshake.run(client(Optional.empty(), "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
                tls.newEngine(ByteBufAllocator.DEFAULT))).isInstanceOf(SSLException.class);
    }

    @Test
    void preferServerCiphersLetsTheServersOrderDecide() throws Exception {
        String list = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256";
        for (boolean prefer : new boolean[] {true, false}) {
            TlsSettings settings = new TlsSettings(true, Optional.of(certs.cert("server")), Optional.of(certs.key("server")),
                    Optional.empty(), Optional.empty(), Optional.empty(), list, prefer, "prime256v1", Optional.empty(), "");
            SSLEngine server = ServerTls.build(settings).newEngine(ByteBufAllocator.DEFAULT);
            // The client prefers AES-128.
            InMemoryHandshake.run(client(Optional.empty(), "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"), server);
            assertThat(server.getSession().getCipherSuite()).as("prefer=" + prefer).isEqualTo(prefer
                    ? "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" : "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        }
    }

    @Test
    void encryptedKeyIsOpenedWithThePassphraseCommand() throws Exception {
        Path encrypted = certs.encryptedKey("server", "open sesame");
        TlsSettings settings = new TlsSettings(true, Optional.of(certs.cert("server")), Optional.of(encrypted),
                Optional.empty(), Optional.empty(), Optional.empty(), "HIGH", false, "prime256v1", Optional.empty(),
                "echo 'open sesame' # %p");

        SSLEngine server = ServerTls.build(settings).newEngine(ByteBufAllocator.DEFAULT);
        InMemoryHandshake.run(client(Optional.empty()), server);

        TlsSettings wrong = new TlsSettings(true, Optional.of(certs.cert("server")), Optional.of(encrypted),
                Optional.empty(), Optional.empty(), Optional.empty(), "HIGH", false, "prime256v1", Optional.empty(),
                "echo nope");
        assertThatThrownBy(() -> ServerTls.build(wrong)).isInstanceOf(TlsConfigException.class)
                .hasMessageStartingWith("ssl_key " + encrypted + " cannot be decrypted with the passphrase ssl_passphrase_command printed");
        TlsSettings none = new TlsSettings(true, Optional.of(certs.cert("server")), Optional.of(encrypted),
                Optional.empty(), Optional.empty(), Optional.empty(), "HIGH", false, "prime256v1", Optional.empty(), "");
        assertThatThrownBy(() -> ServerTls.build(none)).hasMessageContaining("ssl_passphrase_command is empty");
        TlsSettings failing = new TlsSettings(true, Optional.of(certs.cert("server")), Optional.of(encrypted),
                Optional.empty(), Optional.empty(), Optional.empty(), "HIGH", false, "prime256v1", Optional.empty(), "exit 3");
        assertThatThrownBy(() -> ServerTls.build(failing)).hasMessageContaining("exited with status 3");
    }

    @Test
    void brokenSettingsNameTheSettingAndTheFile(@TempDir Path scratch) throws Exception {
        Path garbage = Files.writeString(scratch.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnope\n");
        Path dh = Files.writeString(scratch.resolve("dh.pem"), "not dh\n");
        TlsSettings base = settings(true);

        assertThatThrownBy(() -> ServerTls.build(withCert(base, scratch.resolve("missing.crt"))))
                .hasMessageContaining("cannot read ssl_cert").hasMessageContaining("missing.crt");
        assertThatThrownBy(() -> ServerTls.build(withCert(base, garbage))).hasMessageContaining("ssl_cert");
        assertThatThrownBy(() -> ServerTls.build(new TlsSettings(true, base.certificate(), Optional.of(certs.key("alice")),
                base.caCertificates(), Optional.empty(), Optional.empty(), "HIGH", false, "prime256v1", Optional.empty(), "")))
                .isInstanceOf(TlsConfigException.class);
        assertThatThrownBy(() -> ServerTls.build(new TlsSettings(true, base.certificate(), base.key(),
                Optional.of(garbage), Optional.empty(), Optional.empty(), "HIGH", false, "prime256v1", Optional.empty(), "")))
                .hasMessageContaining("ssl_ca_cert");
        assertThatThrownBy(() -> ServerTls.build(new TlsSettings(true, base.certificate(), base.key(),
                Optional.empty(), Optional.empty(), Optional.empty(), "MEDIUM:!HIGH", false, "prime256v1", Optional.empty(), "")))
                .hasMessageContaining("selects no cipher suite");
        assertThatThrownBy(() -> ServerTls.build(new TlsSettings(true, base.certificate(), base.key(),
                Optional.empty(), Optional.empty(), Optional.empty(), "HIGH", false, "brainpoolP512r1", Optional.empty(), "")))
                .hasMessageContaining("ssl_ecdh_curve");
        assertThatThrownBy(() -> ServerTls.build(new TlsSettings(true, base.certificate(), base.key(),
                Optional.empty(), Optional.empty(), Optional.empty(), "HIGH", false, "prime256v1", Optional.of(dh), "")))
                .hasMessageContaining("ssl_dh_params_file");
        assertThatThrownBy(() -> ServerTls.build(new TlsSettings(true, Optional.empty(), base.key(),
                Optional.empty(), Optional.empty(), Optional.empty(), "HIGH", false, "prime256v1", Optional.empty(), "")))
                .hasMessageContaining("ssl_cert is empty");
    }

    private static TlsSettings withCert(TlsSettings base, Path cert) {
        return new TlsSettings(true, Optional.of(cert), base.key(), base.caCertificates(), Optional.empty(),
                Optional.empty(), base.ciphers(), false, "prime256v1", Optional.empty(), "");
    }

    @Test
    void reloadWithABrokenCertificateKeepsServingWithTheOldOne(@TempDir Path scratch) throws Exception {
        Path cert = Files.copy(certs.cert("server"), scratch.resolve("server.crt"));
        Path key = Files.copy(certs.key("server"), scratch.resolve("server.key"));
        TlsSettings settings = new TlsSettings(true, Optional.of(cert), Optional.of(key), Optional.of(certs.ca()),
                Optional.empty(), Optional.empty(), "HIGH", false, "prime256v1", Optional.empty(), "");
        ServerTlsHolder holder = ServerTlsHolder.load(settings);
        ServerTls before = holder.current().orElseThrow();

        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\ntruncated");
        assertThat(holder.reload(settings)).isFalse();

        assertThat(holder.current()).containsSame(before);
        SSLEngine server = holder.current().orElseThrow().newEngine(ByteBufAllocator.DEFAULT);
        InMemoryHandshake.run(client(Optional.of("alice")), server);

        Files.copy(certs.cert("server"), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(holder.reload(settings)).isTrue();
        assertThat(holder.current().orElseThrow()).isNotSameAs(before);
    }

    @Test
    void sslOffGivesNoContext() throws Exception {
        TlsSettings off = new TlsSettings(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), "HIGH", false, "prime256v1", Optional.empty(), "");

        assertThat(ServerTlsHolder.load(off).current()).isEmpty();
        assertThat(BackendTls.build(off)).isEmpty();
    }

    @Test
    void backendContextVerifiesAgainstTheCaWhenConfigured() throws Exception {
        BackendTls verifying = BackendTls.build(settings(true)).orElseThrow();
        BackendTls encrypting = BackendTls.build(settings(false)).orElseThrow();
        TestCertificates other = TestCertificates.create(dir.resolve("other-pki"));
        TlsSettings strangerServer = new TlsSettings(true, Optional.of(other.cert("server")), Optional.of(other.key("server")),
                Optional.empty(), Optional.empty(), Optional.empty(), "HIGH", false, "prime256v1", Optional.empty(), "");

        InMemoryHandshake.run(verifying.context().newEngine(ByteBufAllocator.DEFAULT, "127.0.0.1", 5432),
                ServerTls.build(settings(false)).newEngine(ByteBufAllocator.DEFAULT));
        assertThatThrownBy(() -> InMemoryHandshake.run(verifying.context().newEngine(ByteBufAllocator.DEFAULT, "127.0.0.1", 5432),
                ServerTls.build(strangerServer).newEngine(ByteBufAllocator.DEFAULT))).isInstanceOf(SSLException.class);
        InMemoryHandshake.run(encrypting.context().newEngine(ByteBufAllocator.DEFAULT, "127.0.0.1", 5432),
                ServerTls.build(strangerServer).newEngine(ByteBufAllocator.DEFAULT));
        assertThat(verifying.verifiesServer()).isTrue();
        assertThat(encrypting.verifiesServer()).isFalse();
        assertThat(BackendTls.sslRequest()).containsExactly(0, 0, 0, 8, 4, 0xd2 - 256, 0x16, 0x2f);
    }
}
