package io.tidepool.auth.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;

/**
 * {@code ssl_ecdh_curve}: OpenSSL curve names mapped to the JDK's named groups.
 *
 * <p>Java 17 chooses key-exchange groups process-wide ({@code jdk.tls.namedGroups}), read once
 * when TLS is first used; {@link #applyProcessWide} sets it at start when the operator has not
 * set it on the command line. The finite-field groups stay enabled so DHE suites keep working.
 */
public final class EcdhCurve {

    private static final Logger log = LoggerFactory.getLogger(EcdhCurve.class);
    private static final Map<String, String> NAMES = Map.of(
            "prime256v1", "secp256r1", "secp256r1", "secp256r1",
            "secp384r1", "secp384r1", "secp521r1", "secp521r1",
            "x25519", "x25519", "x448", "x448");

    private EcdhCurve() {
    }

    /** The JDK name of an OpenSSL curve name. */
    public static String jdkName(String openSslName) throws TlsConfigException {
        String jdk = NAMES.get(openSslName.toLowerCase(Locale.ROOT));
        if (jdk == null) {
            throw new TlsConfigException("ssl_ecdh_curve '" + openSslName + "' is not supported; use prime256v1, "
                    + "secp384r1, secp521r1, X25519 or X448");
        }
        return jdk;
    }

    /** Makes the curve the preferred group for the whole process, unless the operator set the property. */
    public static void applyProcessWide(String openSslName) throws TlsConfigException {
        String jdk = jdkName(openSslName);
        if (System.getProperty("jdk.tls.namedGroups") != null) {
            log.info("ssl_ecdh_curve {} not applied: jdk.tls.namedGroups is set to {}", openSslName,
                    System.getProperty("jdk.tls.namedGroups"));
            return;
        }
        System.setProperty("jdk.tls.namedGroups", jdk + ",x25519,secp256r1,secp384r1,ffdhe2048,ffdhe3072,ffdhe4096");
    }
}
