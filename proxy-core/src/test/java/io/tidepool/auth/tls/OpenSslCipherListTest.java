package io.tidepool.auth.tls;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenSslCipherListTest {

    static final List<String> JDK = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
            "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
    static final List<String> TLS13 = List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256");

    private static List<String> tls12(String list) {
        List<String> all = OpenSslCipherList.toJdkSuites(list, JDK);
        assertThat(all.subList(0, 3)).as("TLS 1.3 suites stay first").isEqualTo(TLS13);
        return all.subList(3, all.size());
    }

    @Test
    void pgpoolDefaultSelectsEveryUsableSuiteInJdkOrder() {
        assertThat(tls12("HIGH:MEDIUM:+3DES:!aNULL")).containsExactlyElementsOf(JDK.subList(3, 13));
    }

    @Test
    void exclusionIsPermanentAndRemovalIsNot() {
        assertThat(tls12("HIGH:!kRSA:RSA")).noneMatch(s -> s.startsWith("TLS_RSA_"));
        assertThat(tls12("HIGH:-kRSA:kRSA")).contains("TLS_RSA_WITH_AES_128_CBC_SHA");
        assertThat(tls12("HIGH:-kRSA")).noneMatch(s -> s.startsWith("TLS_RSA_"));
    }

    @Test
    void plusMovesToTheEnd() {
        List<String> suites = tls12("HIGH:+SHA1");
        assertThat(suites.subList(suites.size() - 2, suites.size()))
                .containsExactly("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA");
    }

    @Test
    void intersectionAndAliases() {
        assertThat(tls12("ECDHE+AESGCM")).containsExactly("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(tls12("EECDH+CHACHA20")).containsExactly("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
        assertThat(tls12("aECDSA+AES256")).containsExactly("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        assertThat(tls12("DHE")).containsExactly("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256");
    }

    @Test
    void openSslAndIanaSuiteNames() {
        assertThat(tls12("ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:DHE-DSS-AES128-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305"))
                .containsExactly("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA",
                        "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
        assertThat(tls12("TLS_RSA_WITH_AES_256_GCM_SHA384,ECDHE-RSA-AES128-SHA"))
                .containsExactly("TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
    }

    @Test
    void unknownNamesAndDirectivesAreIgnoredLikeOpenSsl() {
        assertThat(tls12("NO-SUCH-CIPHER:ECDHE-RSA-AES128-GCM-SHA256:@STRENGTH:@SECLEVEL=2"))
                .containsExactly("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void listSelectingNothingIsAnError() {
        assertThatThrownBy(() -> OpenSslCipherList.toJdkSuites("MEDIUM:3DES:RC4", JDK))
                .hasMessageContaining("selects no cipher suite");
        assertThatThrownBy(() -> OpenSslCipherList.toJdkSuites("HIGH:!HIGH", JDK))
                .hasMessageContaining("selects no cipher suite");
    }
}
