package io.tidepool.auth.tls;

import io.tidepool.ops.local.ExternalCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ssl_dh_params_file: a file from openssl dhparam is read; every broken one names the file and the problem. */
class DhParametersFileTest {

    @TempDir
    Path dir;

    /**
     * PKCS#3 with a safe prime, as openssl writes it: RFC 7919's ffdhe2048 (no prime search, so
     * the test is fast), or a freshly generated 1024-bit group.
     */
    private Path opensslParams(int bits) throws Exception {
        Path file = dir.resolve("dh" + bits + ".pem");
        List<String> command = bits == 2048
                ? List.of("openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", file.toString())
                : List.of("openssl", "dhparam", "-out", file.toString(), Integer.toString(bits));
        ExternalCommand.of(command).timeout(Duration.ofSeconds(120)).run().orThrow("openssl");
        return file;
    }

    @Test
    void readsWhatOpensslWrites() throws Exception {
        DhParametersFile dh = DhParametersFile.read(opensslParams(2048));
        assertThat(dh.bits()).isEqualTo(2048);
        assertThat(dh.prime().isProbablePrime(20)).isTrue();
        assertThat(dh.generator()).isEqualTo(java.math.BigInteger.TWO);
    }

    @Test
    void aTooSmallGroupIsRefusedWithItsSize() throws Exception {
        Path file = opensslParams(1024);
        assertThatThrownBy(() -> DhParametersFile.read(file)).isInstanceOf(TlsConfigException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("1024-bit prime is too small");
    }

    @Test
    void aFileWithoutDhParametersNamesTheFileAndTheMissingBlock() throws Exception {
        Path file = Files.writeString(dir.resolve("cert-instead.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> DhParametersFile.read(file)).isInstanceOf(TlsConfigException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("holds no PEM DH parameters");
    }

    @Test
    void aDamagedBodyNamesTheFileAndThatItCannotBeDecoded() throws Exception {
        Path file = Files.writeString(dir.resolve("damaged.pem"),
                "-----BEGIN DH PARAMETERS-----\nMIIBCAKCAQEAh9wb0U+0fWpaC5Au\n-----END DH PARAMETERS-----\n");
        assertThatThrownBy(() -> DhParametersFile.read(file)).isInstanceOf(TlsConfigException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("cannot be decoded");
    }

    @Test
    void aMissingFileNamesTheFile() {
        Path file = dir.resolve("absent.pem");
        assertThatThrownBy(() -> DhParametersFile.read(file)).isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("cannot read ssl_dh_params_file " + file);
    }
}
