package io.tidepool.auth.tls;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Translates an OpenSSL cipher list ({@code ssl_ciphers}, e.g. pgpool-II's default
 * {@code HIGH:MEDIUM:+3DES:!aNULL}) into the JDK cipher suites it selects, following OpenSSL's
 * list grammar over the suites this JVM supports.
 *
 * <h2>Grammar</h2>
 * Items are separated by {@code :} (or {@code ,} or space). {@code X} appends the suites in X
 * that are not yet listed and were not removed with {@code !}; {@code -X} removes them (they may
 * come back); {@code !X} removes them for good; {@code +X} moves the listed ones to the end.
 * {@code A+B} is the suites in both A and B. {@code @STRENGTH} and {@code @SECLEVEL=n} are
 * accepted and ignored (the JDK's order is already strongest first).
 *
 * <h2>Names understood</h2>
 * OpenSSL suite names ({@code ECDHE-RSA-AES128-GCM-SHA256}), IANA/JDK names
 * ({@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}), and the aliases {@code ALL}, {@code DEFAULT},
 * {@code HIGH}, {@code MEDIUM}, {@code LOW}, {@code EXPORT}, {@code aNULL}, {@code eNULL},
 * {@code NULL}, {@code 3DES}, {@code DES}, {@code RC4}, {@code MD5}, {@code kRSA}, {@code aRSA},
 * {@code RSA}, {@code aECDSA}, {@code ECDSA}, {@code aDSS}, {@code DSS}, {@code ECDHE}/{@code EECDH}/
 * {@code kEECDH}, {@code DHE}/{@code EDH}/{@code kEDH}, {@code AES}, {@code AES128}, {@code AES256},
 * {@code AESGCM}, {@code CHACHA20}, {@code SHA1}/{@code SHA}, {@code SHA256}, {@code SHA384},
 * {@code TLSv1.2}. Every suite a modern JDK enables uses AES or ChaCha20 with at least 128-bit
 * keys, so {@code HIGH} is all of them and {@code MEDIUM}, {@code 3DES}, {@code RC4},
 * {@code aNULL} and the like select nothing here (the JDK disables those suites anyway).
 * Unknown names select nothing, as in OpenSSL; a list that selects no TLS 1.2 suite at all
 * is an error.
 *
 * <h2>TLS 1.3</h2>
 * As in OpenSSL, the cipher list governs TLS 1.2 and older only; the TLS 1.3 suites stay enabled.
 */
public final class OpenSslCipherList {

    private OpenSslCipherList() {
    }

    /**
     * The JDK cipher suites the list selects, TLS 1.3 suites first.
     *
     * @param list      the OpenSSL cipher list
     * @param supported the suites of the JDK provider, in its preference order
     * @throws IllegalArgumentException when the list selects no TLS 1.2 suite
     */
    public static List<String> toJdkSuites(String list, List<String> supported) {
        List<Suite> all = new ArrayList<>();
        for (String name : supported) {
            Suite.parse(name).ifPresent(all::add);
        }
        LinkedHashSet<Suite> active = new LinkedHashSet<>();
        Set<Suite> killed = new java.util.HashSet<>();
        for (String raw : list.split("[:, ]+")) {
            if (raw.isEmpty() || raw.startsWith("@")) {
                continue;
            }
            char op = raw.charAt(0);
            String expression = (op == '!' || op == '-' || op == '+') ? raw.substring(1) : raw;
            Predicate<Suite> selector = selector(expression);
            switch (op) {
                case '!' -> all.stream().filter(selector).forEach(s -> {
                    killed.add(s);
                    active.remove(s);
                });
                case '-' -> active.removeIf(selector);
                case '+' -> {
                    List<Suite> moved = active.stream().filter(selector).toList();
                    active.removeAll(moved);
                    active.addAll(moved);
                }
                default -> all.stream().filter(selector).filter(s -> !killed.contains(s)).forEach(active::add);
            }
        }
        if (active.isEmpty()) {
            throw new IllegalArgumentException("ssl_ciphers '" + list + "' selects no cipher suite this Java runtime"
                    + " supports; try HIGH:!aNULL or name suites like ECDHE-RSA-AES128-GCM-SHA256");
        }
        List<String> out = new ArrayList<>();
        for (String name : supported) {
            if (name.startsWith("TLS_AES_") || name.startsWith("TLS_CHACHA20_")) {
                out.add(name);
            }
        }
        active.forEach(s -> out.add(s.jdkName()));
        return List.copyOf(out);
    }

    private static Predicate<Suite> selector(String expression) {
        Predicate<Suite> result = s -> true;
        for (String part : expression.split("\\+")) {
            result = result.and(alias(part));
        }
        return result;
    }

    private static Predicate<Suite> alias(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        switch (name) {
            case "aNULL", "eNULL", "NULL", "ADH", "AECDH": return s -> false;
            case "kRSA": return s -> s.kx().equals("RSA");
            case "aRSA": return s -> s.auth().equals("RSA");
            case "aECDSA", "ECDSA": return s -> s.auth().equals("ECDSA");
            case "aDSS", "DSS": return s -> s.auth().equals("DSS");
            default: break;
        }
        switch (upper) {
            case "ALL", "DEFAULT", "HIGH", "COMPLEMENTOFALL":
                return s -> true;
            case "MEDIUM", "LOW", "EXPORT", "EXP", "3DES", "DES", "RC4", "MD5", "IDEA", "SEED", "CAMELLIA", "ARIA",
                    "PSK", "SRP", "COMPLEMENTOFDEFAULT", "SSLV3", "TLSV1", "TLSV1.0":
                return s -> false;
            case "RSA":
                // OpenSSL's RSA means RSA key exchange or RSA authentication.
                return s -> s.kx().equals("RSA") || s.auth().equals("RSA");
            case "ECDHE", "EECDH", "KEECDH", "KECDHE", "ECDH":
                return s -> s.kx().equals("ECDHE");
            case "DHE", "EDH", "KEDH", "KDHE", "DH":
                return s -> s.kx().equals("DHE");
            case "AES":
                return s -> s.cipher().startsWith("AES");
            case "AES128":
                return s -> s.cipher().startsWith("AES_128");
            case "AES256":
                return s -> s.cipher().startsWith("AES_256");
            case "AESGCM":
                return s -> s.cipher().endsWith("GCM");
            case "CHACHA20":
                return s -> s.cipher().startsWith("CHACHA20");
            case "SHA1", "SHA":
                return s -> s.mac().equals("SHA");
            case "SHA256":
                return s -> s.mac().equals("SHA256");
            case "SHA384":
                return s -> s.mac().equals("SHA384");
            case "TLSV1.2":
                return s -> !s.mac().equals("SHA");
            default:
                return s -> s.jdkName().equalsIgnoreCase(name) || s.openSslName().equalsIgnoreCase(name);
        }
    }

    /** A TLS 1.2-or-older suite split into its parts: TLS_{kx}[_{auth}]_WITH_{cipher}_{mac}. */
    record Suite(String jdkName, String kx, String auth, String cipher, String mac) {

        static java.util.Optional<Suite> parse(String name) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("TLS_(ECDHE_ECDSA|ECDHE_RSA|DHE_RSA|DHE_DSS|RSA)_WITH_(AES_128_GCM|AES_256_GCM|AES_128_CBC|AES_256_CBC|CHACHA20_POLY1305)_(SHA384|SHA256|SHA)")
                    .matcher(name);
            if (!m.matches()) {
                return java.util.Optional.empty();
            }
            String kxAuth = m.group(1);
            String kx = kxAuth.contains("_") ? kxAuth.substring(0, kxAuth.indexOf('_')) : "RSA";
            String auth = kxAuth.contains("_") ? kxAuth.substring(kxAuth.indexOf('_') + 1) : "RSA";
            return java.util.Optional.of(new Suite(name, kx, auth, m.group(2), m.group(3)));
        }

        /** OpenSSL's name for the suite, e.g. ECDHE-RSA-AES128-GCM-SHA256, AES256-SHA. */
        String openSslName() {
            String prefix = kx.equals("RSA") ? "" : kx + "-" + auth + "-";
            String c = switch (cipher) {
                case "AES_128_GCM" -> "AES128-GCM";
                case "AES_256_GCM" -> "AES256-GCM";
                case "AES_128_CBC" -> "AES128";
                case "AES_256_CBC" -> "AES256";
                default -> "CHACHA20-POLY1305";
            };
            String suffix = cipher.startsWith("CHACHA") ? "" : "-" + mac;
            return prefix + c + suffix;
        }
    }
}
