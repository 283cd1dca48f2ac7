package io.tidepool.auth.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

/**
 * The proxy's TLS server side for clients: an immutable, ready {@link SslContext} built from
 * {@link TlsSettings}, and the handler a session puts in front of its pipeline after answering
 * an SSLRequest with 'S'. Built at start and on reload, off the event loops.
 *
 * <h2>How pgpool.conf's settings map to the JDK</h2>
 * <ul>
 *   <li>{@code ssl_cert}/{@code ssl_key}: PEM; an encrypted key must be PKCS#8
 *       ({@code BEGIN ENCRYPTED PRIVATE KEY}, e.g. {@code openssl pkcs8 -topk8 -v2 aes-256-cbc}), and
 *       its passphrase comes from {@code ssl_passphrase_command}.</li>
 *   <li>{@code ssl_ca_cert}/{@code ssl_ca_cert_dir}: when set, clients are asked for a certificate;
 *       one that is sent must chain to these CAs (and not be revoked by {@code ssl_crl_file}),
 *       else the handshake fails. Whether a certificate is required is pool_hba.conf's decision
 *       ({@code cert}, {@code clientcert}).</li>
 *   <li>{@code ssl_ciphers}: {@link OpenSslCipherList}; TLS 1.3 suites stay on, as in OpenSSL.
 *       Only TLS 1.2 and 1.3 are offered.</li>
 *   <li>{@code ssl_prefer_server_ciphers}: the server's order decides
 *       ({@link SSLParameters#setUseCipherSuitesOrder}).</li>
 *   <li>{@code ssl_ecdh_curve}: Java 17 has no per-connection curve setting; the curve is checked
 *       here and applied process-wide by {@link EcdhCurve#applyProcessWide} at start (clients
 *       offering only other curves fail the handshake, as with OpenSSL).</li>
 *   <li>{@code ssl_dh_params_file}: checked and logged, not used ({@link DhParametersFile}): the
 *       JDK negotiates the RFC 7919 finite-field groups (2048 bits and up) instead.</li>
 * </ul>
 */
public final class ServerTls {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ServerTls.class);

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SslContext context;
    private final TlsSettings settings;
    private final List<String> cipherSuites;

    private ServerTls(SslContext context, TlsSettings settings, List<String> cipherSuites) {
        this.context = context;
        this.settings = settings;
        this.cipherSuites = cipherSuites;
    }

    /** Builds the context; every problem is reported as one message naming the setting and the file. */
    public static ServerTls build(TlsSettings settings) throws TlsConfigException {
        Path cert = settings.certificate().orElseThrow(() -> new TlsConfigException("ssl is on but ssl_cert is empty"));
        Path key = settings.key().orElseThrow(() -> new TlsConfigException("ssl is on but ssl_key is empty"));
        TrustMaterial.readCertificates(cert, "ssl_cert");
        String keyPem = readPem(key, "ssl_key");
        String password = null;
        if (keyPem.contains("ENCRYPTED")) {
            if (settings.passphraseCommand().isEmpty()) {
                throw new TlsConfigException("ssl_key " + key + " is encrypted and ssl_passphrase_command is empty");
            }
            if (keyPem.contains("Proc-Type: 4,ENCRYPTED")) {
                throw new TlsConfigException("ssl_key " + key + " uses OpenSSL's legacy PEM encryption; convert it with "
                        + "'openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.key -out new.key'");
            }
            password = PassphraseCommand.run(settings.passphraseCommand());
        }
        if (settings.dhParameters().isPresent()) {
            DhParametersFile dh = DhParametersFile.read(settings.dhParameters().get());
            log.info("ssl_dh_params_file {}: {}-bit group checked; DHE uses Java's RFC 7919 groups (2048 bits and up) "
                    + "instead, as Java cannot take a server's own group", dh.file(), dh.bits());
        }
        EcdhCurve.jdkName(settings.ecdhCurve());
        List<String> suites;
        try {
            suites = OpenSslCipherList.toJdkSuites(settings.ciphers(), supportedSuites());
        } catch (IllegalArgumentException e) {
            throw new TlsConfigException(e.getMessage());
        }
        Optional<TrustManagerFactory> trust = TrustMaterial.of(settings.caCertificates(),
                settings.caCertificateDirectory(), settings.crl());
        SslContext context;
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(cert.toFile(), key.toFile(), password)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .ciphers(suites);
            if (trust.isPresent()) {
                builder.trustManager(trust.get()).clientAuth(ClientAuth.OPTIONAL);
            }
            context = builder.build();
        } catch (IOException | RuntimeException e) {
            if (password != null && causedBy(e, GeneralSecurityException.class)) {
                // A wrong passphrase shows as a padding or key-spec failure while decrypting.
                throw new TlsConfigException("ssl_key " + key + " cannot be decrypted with the passphrase "
                        + "ssl_passphrase_command printed", e);
            }
            throw new TlsConfigException("cannot use ssl_cert " + cert + " with ssl_key " + key, e);
        }
        try {
            ServerTls tls = new ServerTls(context, settings, suites);
            tls.selfTest(cert, key);
            return tls;
        } catch (RuntimeException e) {
            throw new TlsConfigException("cannot use ssl_cert " + cert + " with ssl_key " + key, e);
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One handshake against itself, in memory: the JDK accepts a key that does not belong to
     * the certificate until the first client fails, so the mismatch is found here instead.
     */
    private void selfTest(Path cert, Path key) throws TlsConfigException {
        try {
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, new javax.net.ssl.TrustManager[] {new AcceptAnyServer()}, null);
            SSLEngine clientEngine = client.createSSLEngine("localhost", 5432);
            SSLEngine serverEngine = context.newEngine(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
            serverEngine.setWantClientAuth(false);
            InMemoryHandshake.run(clientEngine, serverEngine);
        } catch (javax.net.ssl.SSLException e) {
            throw new TlsConfigException("ssl_key " + key + " does not match ssl_cert " + cert
                    + " (a test handshake failed)", e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS context", e);
        }
    }

    /** Trust for the self-test only: it checks the key, not who the server is. */
    private static final class AcceptAnyServer implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // the self-test handshake talks to itself
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static List<String> supportedSuites() {
        try {
            return Arrays.asList(SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    private static String readPem(Path file, String setting) throws TlsConfigException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsConfigException("cannot read " + setting + " " + file, e);
        } catch (RuntimeException e) {
            throw new TlsConfigException(setting + " " + file + " is not a PEM file", e);
        }
    }

    /**
     * A new server-side handler for one client connection. Ownership: the caller adds it to the
     * pipeline (first), which then owns its engine.
     */
    public SslHandler newHandler(ByteBufAllocator allocator) {
        SslHandler handler = context.newHandler(allocator);
        SSLEngine engine = handler.engine();
        configure(engine);
        return handler;
    }

    /** A new engine (tests and non-Netty callers). */
    public SSLEngine newEngine(ByteBufAllocator allocator) {
        SSLEngine engine = context.newEngine(allocator);
        configure(engine);
        return engine;
    }

    private void configure(SSLEngine engine) {
        // Set both ways: the JDK's own default is the server's order.
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setUseCipherSuitesOrder(settings.preferServerCiphers());
        engine.setSSLParameters(parameters);
    }

    public SslContext context() {
        return context;
    }

    public TlsSettings settings() {
        return settings;
    }

    /** The JDK suites enabled, TLS 1.3 first. */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** Whether clients are asked for certificates (a CA is configured). */
    public boolean requestsClientCertificates() {
        return settings.verifiesClientCertificates();
    }

    /**
     * The common name of the client certificate the handshake verified; empty when the client
     * sent none (with a CA configured, an untrusted certificate has already failed the handshake).
     */
    public static Optional<String> clientCommonName(SSLSession session) {
        try {
            java.security.cert.Certificate[] peer = session.getPeerCertificates();
            if (peer.length == 0 || !(peer[0] instanceof X509Certificate leaf)) {
                return Optional.empty();
            }
            return commonName(leaf);
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    static Optional<String> commonName(X509Certificate certificate) {
        try {
            LdapName name = new LdapName(certificate.getSubjectX500Principal().getName());
            // The most specific CN, as PostgreSQL takes the last CN of the subject.
            Optional<String> cn = Optional.empty();
            for (Rdn rdn : name.getRdns()) {
                if (rdn.getType().toUpperCase(Locale.ROOT).equals("CN")) {
                    cn = Optional.of(String.valueOf(rdn.getValue()));
                }
            }
            return cn;
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }
}
