package io.tidepool.auth.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import java.util.Optional;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS towards the backends, as pgpool-II's {@code ssl} does it: the proxy sends an SSLRequest
 * first and, when the server answers 'S', starts TLS; on 'N' it goes on in plain text.
 *
 * <p>Verification: with {@code ssl_ca_cert}/{@code ssl_ca_cert_dir} set, the server's
 * certificate must chain to those CAs (PostgreSQL's {@code sslmode=verify-ca}; host names are
 * not checked, since backends are often named by address). Without a CA the link is encrypted
 * but the server is not authenticated ({@code sslmode=require}), as with pgpool-II.
 * {@code ssl_cert}/{@code ssl_key}, when set, are offered as the client certificate.
 */
public final class BackendTls {

    private final SslContext context;
    private final boolean verifies;

    private BackendTls(SslContext context, boolean verifies) {
        this.context = context;
        this.verifies = verifies;
    }

    /** Empty when {@code ssl} is off. */
    public static Optional<BackendTls> build(TlsSettings settings) throws TlsConfigException {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        Optional<TrustManagerFactory> trust = TrustMaterial.of(settings.caCertificates(),
                settings.caCertificateDirectory(), Optional.empty());
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .endpointIdentificationAlgorithm(null)
                    .trustManager(trust.orElse(InsecureTrustManagerFactory.INSTANCE));
            if (settings.certificate().isPresent() && settings.key().isPresent()
                    && !isEncrypted(settings.key().get())) {
                builder.keyManager(settings.certificate().get().toFile(), settings.key().get().toFile());
            }
            return Optional.of(new BackendTls(builder.build(), trust.isPresent()));
        } catch (Exception e) {
            throw new TlsConfigException("cannot build the TLS context for backends", e);
        }
    }

    private static boolean isEncrypted(java.nio.file.Path key) {
        try {
            return java.nio.file.Files.readString(key, java.nio.charset.StandardCharsets.US_ASCII).contains("ENCRYPTED");
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /** The client-side context; the connector adds {@code context().newHandler(alloc, host, port)} after 'S'. */
    public SslContext context() {
        return context;
    }

    /** Whether the backend's certificate is checked against a CA. */
    public boolean verifiesServer() {
        return verifies;
    }

    /** The 8-byte SSLRequest: length 8, code 80877103. */
    public static byte[] sslRequest() {
        return new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};
    }
}
