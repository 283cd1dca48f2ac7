package io.tidepool.auth.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@code ssl_ecdh_curve} turns into. Applying it is process-wide and once only, so it is
 * proven against the real server jar with openssl s_client ({@code ProxyMainAuthIT}).
 */
class EcdhCurveTest {

    @TempDir
    Path dir;

    @Test
    void openSslCurveNamesMapToJdkGroups() throws Exception {
        assertThat(EcdhCurve.jdkName("prime256v1")).isEqualTo("secp256r1");
        assertThat(EcdhCurve.jdkName("secp384r1")).isEqualTo("secp384r1");
        assertThat(EcdhCurve.jdkName("X25519")).isEqualTo("x25519");
    }

    @Test
    void anUnknownCurveIsRefusedWithTheNamesThatWork() {
        assertThatThrownBy(() -> EcdhCurve.jdkName("brainpoolP256r1"))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("ssl_ecdh_curve 'brainpoolP256r1' is not supported")
                .hasMessageContaining("prime256v1");
    }

    @Test
    void theGroupsAreTheCurveAndTheFiniteFieldGroupsOnly() throws Exception {
        assertThat(EcdhCurve.namedGroups("secp384r1", Optional.empty()))
                .isEqualTo("secp384r1," + EcdhCurve.FINITE_FIELD_GROUPS)
                .doesNotContain("x25519", "secp256r1");
    }

    @Test
    void anEcCertificateOnAnotherCurveKeepsThatCurveForSignaturesAfterTheConfiguredOne() throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        Optional<String> curve = EcdhCurve.curveOf(TrustMaterial.readCertificates(certs.cert("server"), "ssl_cert").get(0));
        assertThat(curve).hasValue("secp256r1");
        assertThat(EcdhCurve.namedGroups("x25519", curve)).isEqualTo("x25519,secp256r1," + EcdhCurve.FINITE_FIELD_GROUPS);
        assertThat(EcdhCurve.namedGroups("prime256v1", curve)).isEqualTo("secp256r1," + EcdhCurve.FINITE_FIELD_GROUPS);
    }
}
