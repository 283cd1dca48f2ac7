package io.tidepool.auth.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made for a test with the openssl command line, in a directory of the test's:
 * a CA, a server certificate for {@code localhost}/{@code 127.0.0.1}, client certificates
 * for any common name (valid, expired, revoked), a self-signed stranger, and an encrypted key.
 * EC P-256 keys keep generation fast.
 */
public final class TestCertificates {

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Creates the CA and the server certificate in {@code dir}. */
    public static TestCertificates create(Path dir) throws IOException {
        TestCertificates certs = new TestCertificates(dir);
        Files.createDirectories(dir.resolve("newcerts"));
        Files.writeString(dir.resolve("index.txt"), "");
        Files.writeString(dir.resolve("serial"), "1000\n");
        Files.writeString(dir.resolve("ca.cnf"), """
                [ ca ]
                default_ca = tp
                [ tp ]
                dir = %s
                database = $dir/index.txt
                new_certs_dir = $dir/newcerts
                serial = $dir/serial
                default_md = sha256
                default_days = 30
                default_crl_days = 30
                policy = any
                copy_extensions = copy
                unique_subject = no
                [ any ]
                commonName = supplied
                """.formatted(dir));
        certs.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.crt", "-days", "30", "-subj", "/CN=Tidepool Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        certs.issue("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1", null, null);
        return certs;
    }

    /** Issues {@code name.crt}/{@code name.key} for a client with this common name. */
    public Path client(String name, String commonName) throws IOException {
        issue(name, commonName, null, null, null);
        return dir.resolve(name + ".crt");
    }

    /** A client certificate whose validity ended in 2020. */
    public Path expiredClient(String name, String commonName) throws IOException {
        issue(name, commonName, null, "20200101000000Z", "20200102000000Z");
        return dir.resolve(name + ".crt");
    }

    /** A self-signed certificate no CA of the test vouches for. */
    public Path stranger(String name, String commonName) throws IOException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".crt", "-days", "30", "-subj", "/CN=" + commonName);
        return dir.resolve(name + ".crt");
    }

    /** Revokes a certificate issued here and writes {@code crl.pem}. */
    public Path revoke(String name) throws IOException {
        openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.crt", "-keyfile", "ca.key", "-revoke", name + ".crt");
        openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.crt", "-keyfile", "ca.key", "-gencrl", "-out", "crl.pem");
        return dir.resolve("crl.pem");
    }

    /** An empty CRL of the CA. */
    public Path emptyCrl() throws IOException {
        openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.crt", "-keyfile", "ca.key", "-gencrl", "-out", "crl.pem");
        return dir.resolve("crl.pem");
    }

    /** {@code name.key} re-written as an encrypted PKCS#8 key under {@code passphrase}. */
    public Path encryptedKey(String name, String passphrase) throws IOException {
        openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", name + ".key", "-out", name + "-enc.key",
                "-passout", "pass:" + passphrase);
        return dir.resolve(name + "-enc.key");
    }

    public Path ca() {
        return dir.resolve("ca.crt");
    }

    public Path cert(String name) {
        return dir.resolve(name + ".crt");
    }

    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    public Path directory() {
        return dir;
    }

    private void issue(String name, String commonName, String extension, String start, String end) throws IOException {
        List<String> req = new ArrayList<>(List.of("req", "-new", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + commonName));
        if (extension != null) {
            req.addAll(List.of("-addext", extension));
        }
        openssl(req.toArray(new String[0]));
        List<String> sign = new ArrayList<>(List.of("ca", "-batch", "-notext", "-config", "ca.cnf", "-cert", "ca.crt",
                "-keyfile", "ca.key", "-in", name + ".csr", "-out", name + ".crt"));
        if (start != null) {
            sign.addAll(List.of("-startdate", start, "-enddate", end));
        }
        openssl(sign.toArray(new String[0]));
        // The key must be readable by whoever runs a client (psql as another user).
        Files.setPosixFilePermissions(dir.resolve(name + ".key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    void openssl(String... args) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add("openssl");
        argv.addAll(List.of(args));
        Process process = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
