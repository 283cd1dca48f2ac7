package io.tidepool.admin.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.auth.Md5Hash;
import org.junit.jupiter.api.Test;

class PcpAuthenticationTest {

    private static final byte[] SALT = {1, 2, 3, 4};

    @Test
    void computesTheSpecTestVector() {
        assertThat(Md5Hash.pcpConfValue("secret")).isEqualTo("5ebe2294ecd0e0f08eab7690d2a6ee69");
        assertThat(Md5Hash.hex("5ebe2294ecd0e0f08eab7690d2a6ee69" + "pcpadmin"))
                .isEqualTo("68c7371bd7d16569ae18947b0820229b");
        assertThat(PcpAuthentication.clientResponse("pcpadmin", "secret", SALT))
                .isEqualTo("2e706dba48448085b5cfcae6ff8f8e8c");
    }

    @Test
    void verifiesAgainstTheStoredValue() {
        String stored = "5ebe2294ecd0e0f08eab7690d2a6ee69";
        assertThat(PcpAuthentication.verify(stored, "pcpadmin", SALT, "2e706dba48448085b5cfcae6ff8f8e8c")).isTrue();
        assertThat(PcpAuthentication.verify(stored, "pcpadmin", new byte[] {1, 2, 3, 5},
                "2e706dba48448085b5cfcae6ff8f8e8c")).isFalse();
        assertThat(PcpAuthentication.verify(stored, "other", SALT, "2e706dba48448085b5cfcae6ff8f8e8c")).isFalse();
    }
}
