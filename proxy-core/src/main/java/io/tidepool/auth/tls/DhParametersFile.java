package io.tidepool.auth.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.DHParameterSpec;

/**
 * {@code ssl_dh_params_file}: PEM {@code DH PARAMETERS} (PKCS#3, what {@code openssl dhparam}
 * writes), read and checked at start so a broken file stops the start with the file and the
 * problem.
 *
 * <p>What is and is not used: Java 17 offers no way to give one server its own DH group. For DHE
 * suites it negotiates the RFC 7919 groups (ffdhe2048 and larger, {@link EcdhCurve}) with
 * clients that name them, and otherwise its built-in groups of at least 2048 bits. The file's
 * group is therefore checked (well-formed, odd prime, at least 2048 bits, generator in range)
 * and its size logged, but not used for key exchange; the groups Java uses are at least as
 * strong as the file's.
 */
public record DhParametersFile(Path file, BigInteger prime, BigInteger generator) {

    /** Below this, OpenSSL 3 refuses DH groups too. */
    public static final int MIN_PRIME_BITS = 2048;
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN DH PARAMETERS-----([A-Za-z0-9+/=\\s]*)-----END DH PARAMETERS-----");

    public int bits() {
        return prime.bitLength();
    }

    /** Reads and checks the file; every problem names the file and what is wrong with it. */
    public static DhParametersFile read(Path file) throws TlsConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsConfigException("cannot read ssl_dh_params_file " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new TlsConfigException("ssl_dh_params_file " + file + " is not a PEM text file", e);
        }
        Matcher pem = PEM.matcher(text);
        if (!pem.find()) {
            throw new TlsConfigException("ssl_dh_params_file " + file + " holds no PEM DH parameters (-----BEGIN DH "
                    + "PARAMETERS-----); create one with 'openssl dhparam -out " + file.getFileName() + " 2048'");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.group(1).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new TlsConfigException("ssl_dh_params_file " + file + ": the PEM body is not valid base64", e);
        }
        DHParameterSpec spec;
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("DH");
            parameters.init(der);
            spec = parameters.getParameterSpec(DHParameterSpec.class);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new TlsConfigException("ssl_dh_params_file " + file + ": the DH parameters cannot be decoded ("
                    + e.getMessage() + ")", e);
        }
        BigInteger p = spec.getP();
        BigInteger g = spec.getG();
        if (p.signum() <= 0 || !p.testBit(0)) {
            throw new TlsConfigException("ssl_dh_params_file " + file + ": the prime is not an odd positive number");
        }
        if (p.bitLength() < MIN_PRIME_BITS) {
            throw new TlsConfigException("ssl_dh_params_file " + file + ": a " + p.bitLength() + "-bit prime is too "
                    + "small; use " + MIN_PRIME_BITS + " bits or more ('openssl dhparam -out " + file.getFileName() + " 2048')");
        }
        if (g.compareTo(BigInteger.ONE) <= 0 || g.compareTo(p.subtract(BigInteger.ONE)) >= 0) {
            throw new TlsConfigException("ssl_dh_params_file " + file + ": the generator is not between 1 and p - 1");
        }
        if (!p.isProbablePrime(20)) {
            throw new TlsConfigException("ssl_dh_params_file " + file + ": the modulus is not a prime");
        }
        return new DhParametersFile(file, p, g);
    }
}
