package io.tidepool.auth.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ssl_ecdh_curve}: OpenSSL curve names mapped to the JDK's named groups, and applied.
 *
 * <p>With OpenSSL, PostgreSQL and pgpool-II use the one configured curve for ECDHE and nothing
 * else. Java 17 has no per-connection group setting ({@code SSLParameters.setNamedGroups} came in
 * Java 20); its groups are the process-wide {@code jdk.tls.namedGroups}, read once, when TLS is
 * first used in the process. {@link #applyProcessWide} therefore sets it when the server starts
 * with {@code ssl = on}, before any TLS context exists: the curve, plus the RFC 7919 finite-field
 * groups so DHE suites keep working. A client that offers only other elliptic curves then fails
 * the handshake, as with OpenSSL.
 *
 * <p>Java also ties ECDSA signature schemes to the enabled groups: a server certificate with an
 * EC key on another curve could not sign a handshake. That curve stays enabled too, after the
 * configured one ({@link #namedGroups(String, Optional)}).
 *
 * <p>Consequences: the curve also applies to the proxy's own TLS connections to the backends (so
 * the backends must accept it; PostgreSQL's default {@code ssl_ecdh_curve} is prime256v1, as is
 * pgpool-II's), a change needs a restart (the parameter is restart-only anyway), and an operator
 * who sets {@code -Djdk.tls.namedGroups} on the command line overrides it (logged).
 */
public final class EcdhCurve {

    private static final Logger log = LoggerFactory.getLogger(EcdhCurve.class);
    static final String PROPERTY = "jdk.tls.namedGroups";
    /** The finite-field groups kept next to the curve, for DHE suites. */
    static final String FINITE_FIELD_GROUPS = "ffdhe2048,ffdhe3072,ffdhe4096,ffdhe6144,ffdhe8192";
    private static final Map<String, String> NAMES = Map.of(
            "prime256v1", "secp256r1", "secp256r1", "secp256r1",
            "secp384r1", "secp384r1", "secp521r1", "secp521r1",
            "x25519", "x25519", "x448", "x448");

    /** The JDK group this process applied, once applied; later different requests cannot take effect. */
    private static volatile Optional<String> applied = Optional.empty();

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

    /**
     * The value {@code jdk.tls.namedGroups} gets: the curve, the server certificate's own curve
     * when it has an EC key on another one, then the finite-field groups.
     */
    static String namedGroups(String openSslName, Optional<String> certificateCurve) throws TlsConfigException {
        String jdk = jdkName(openSslName);
        String signing = certificateCurve.filter(c -> !c.equals(jdk)).map(c -> c + ",").orElse("");
        return jdk + "," + signing + FINITE_FIELD_GROUPS;
    }

    /** The JDK group of a certificate's EC key; empty for RSA and other keys. */
    static Optional<String> curveOf(X509Certificate certificate) {
        if (!(certificate.getPublicKey() instanceof ECPublicKey ec)) {
            return Optional.empty();
        }
        return switch (ec.getParams().getCurve().getField().getFieldSize()) {
            case 256 -> Optional.of("secp256r1");
            case 384 -> Optional.of("secp384r1");
            case 521 -> Optional.of("secp521r1");
            default -> Optional.empty();
        };
    }

    /**
     * Limits the process's elliptic-curve key exchange to the curve, unless the operator set
     * {@code jdk.tls.namedGroups} (then that stays, logged). Call it before the first TLS context
     * of the process is built; a second call with another curve is logged as not in force.
     */
    public static synchronized void applyProcessWide(String openSslName, Optional<Path> serverCertificate)
            throws TlsConfigException {
        String jdk = jdkName(openSslName);
        Optional<String> certificateCurve = Optional.empty();
        if (serverCertificate.isPresent()) {
            List<X509Certificate> chain = TrustMaterial.readCertificates(serverCertificate.get(), "ssl_cert");
            certificateCurve = chain.isEmpty() ? Optional.empty() : curveOf(chain.get(0));
        }
        String groups = namedGroups(openSslName, certificateCurve);
        String set = System.getProperty(PROPERTY);
        if (applied.isPresent()) {
            if (!applied.get().equals(jdk)) {
                log.warn("ssl_ecdh_curve {} is not in force: this process already limited key exchange to {}, "
                        + "and Java reads the groups once; restart to change it", openSslName, applied.get());
            }
            return;
        }
        if (set != null) {
            log.info("ssl_ecdh_curve {} not applied: -D{}={} is set and takes precedence", openSslName, PROPERTY, set);
            return;
        }
        System.setProperty(PROPERTY, groups);
        applied = Optional.of(jdk);
        log.info("ssl_ecdh_curve {}: TLS groups limited to {} for clients and backends alike", openSslName, groups);
    }
}
