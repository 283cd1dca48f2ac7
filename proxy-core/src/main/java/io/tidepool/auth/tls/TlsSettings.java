package io.tidepool.auth.tls;

import io.tidepool.config.PgpoolConfig;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * pgpool.conf's TLS parameters, with file names resolved against pgpool.conf's directory.
 *
 * @param enabled                {@code ssl}
 * @param certificate            {@code ssl_cert}: PEM certificate chain, server first
 * @param key                    {@code ssl_key}: PEM private key (PKCS#8, PKCS#1 or encrypted PKCS#8)
 * @param caCertificates         {@code ssl_ca_cert}: PEM CAs trusted for client certificates (and backends)
 * @param caCertificateDirectory {@code ssl_ca_cert_dir}: a directory of PEM CA files
 * @param crl                    {@code ssl_crl_file}: PEM revocation list(s) for client certificates
 * @param ciphers                {@code ssl_ciphers}: OpenSSL cipher list ({@link OpenSslCipherList})
 * @param preferServerCiphers    {@code ssl_prefer_server_ciphers}
 * @param ecdhCurve              {@code ssl_ecdh_curve}
 * @param dhParameters           {@code ssl_dh_params_file}
 * @param passphraseCommand      {@code ssl_passphrase_command}: prints the key's passphrase ({@code %p}: prompt)
 */
public record TlsSettings(boolean enabled, Optional<Path> certificate, Optional<Path> key,
                          Optional<Path> caCertificates, Optional<Path> caCertificateDirectory, Optional<Path> crl,
                          String ciphers, boolean preferServerCiphers, String ecdhCurve,
                          Optional<Path> dhParameters, String passphraseCommand) {

    /** pgpool-II's default cipher list. */
    public static final String DEFAULT_CIPHERS = "HIGH:MEDIUM:+3DES:!aNULL";

    public TlsSettings {
        Objects.requireNonNull(ciphers, "ciphers");
        Objects.requireNonNull(ecdhCurve, "ecdhCurve");
        Objects.requireNonNull(passphraseCommand, "passphraseCommand");
    }

    public static TlsSettings fromConfig(PgpoolConfig config) {
        return new TlsSettings(config.getBoolean("ssl"), file(config, "ssl_cert"), file(config, "ssl_key"),
                file(config, "ssl_ca_cert"), file(config, "ssl_ca_cert_dir"), file(config, "ssl_crl_file"),
                config.getString("ssl_ciphers"), config.getBoolean("ssl_prefer_server_ciphers"),
                config.getString("ssl_ecdh_curve"), file(config, "ssl_dh_params_file"),
                config.getString("ssl_passphrase_command"));
    }

    private static Optional<Path> file(PgpoolConfig config, String name) {
        String value = config.getString(name);
        return value.isEmpty() ? Optional.empty() : Optional.of(config.resolvePath(value));
    }

    /** Whether client certificates can be verified (a CA file or directory is configured). */
    public boolean verifiesClientCertificates() {
        return caCertificates.isPresent() || caCertificateDirectory.isPresent();
    }
}
