package io.tidepool.auth.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CRL;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Trusted CA certificates ({@code ssl_ca_cert} file, {@code ssl_ca_cert_dir} directory) and
 * revocation lists ({@code ssl_crl_file}) as a {@link TrustManagerFactory}.
 *
 * <p>Revocation is checked for the end certificate only, from the CRLs given, with no network
 * fallback: OpenSSL's CRL check as PostgreSQL and pgpool-II use it.
 */
final class TrustMaterial {

    private TrustMaterial() {
    }

    /** Empty when neither a CA file nor a CA directory is configured. */
    static Optional<TrustManagerFactory> of(Optional<Path> caFile, Optional<Path> caDirectory, Optional<Path> crlFile)
            throws TlsConfigException {
        if (caFile.isEmpty() && caDirectory.isEmpty()) {
            return Optional.empty();
        }
        List<X509Certificate> cas = new ArrayList<>();
        if (caFile.isPresent()) {
            cas.addAll(readCertificates(caFile.get(), "ssl_ca_cert"));
        }
        if (caDirectory.isPresent()) {
            Path dir = caDirectory.get();
            if (!Files.isDirectory(dir)) {
                throw new TlsConfigException("ssl_ca_cert_dir " + dir + " is not a directory");
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    try {
                        cas.addAll(readCertificates(file, "ssl_ca_cert_dir"));
                    } catch (TlsConfigException e) {
                        // OpenSSL skips files of a hashed directory it cannot use; so do we.
                    }
                }
            } catch (IOException e) {
                throw new TlsConfigException("cannot list ssl_ca_cert_dir " + dir, e);
            }
        }
        if (cas.isEmpty()) {
            throw new TlsConfigException("no CA certificate found in " + caFile.map(Path::toString).orElse("")
                    + caDirectory.map(d -> " " + d).orElse(""));
        }
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                anchors.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            if (crlFile.isEmpty()) {
                factory.init(anchors);
                return Optional.of(factory);
            }
            Collection<? extends CRL> crls = readCrls(crlFile.get());
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, new X509CertSelector());
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
            checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY,
                    PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
            parameters.addCertPathChecker(checker);
            parameters.setRevocationEnabled(true);
            factory.init(new CertPathTrustManagerParameters(parameters));
            return Optional.of(factory);
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException("cannot build the trust store from the CA certificates", e);
        }
    }

    static List<X509Certificate> readCertificates(Path file, String setting) throws TlsConfigException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate certificate : read) {
                out.add((X509Certificate) certificate);
            }
            if (out.isEmpty()) {
                throw new TlsConfigException(setting + " " + file + " holds no PEM certificate");
            }
            return out;
        } catch (IOException e) {
            throw new TlsConfigException("cannot read " + setting + " " + file, e);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(setting + " " + file + " is not a PEM certificate file", e);
        }
    }

    private static Collection<? extends CRL> readCrls(Path file) throws TlsConfigException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends CRL> crls = CertificateFactory.getInstance("X.509").generateCRLs(in);
            if (crls.isEmpty()) {
                throw new TlsConfigException("ssl_crl_file " + file + " holds no revocation list");
            }
            return crls;
        } catch (IOException e) {
            throw new TlsConfigException("cannot read ssl_crl_file " + file, e);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("ssl_crl_file " + file + " is not a PEM revocation list", e);
        }
    }
}
