package io.tidepool.ops.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An OpenSSH known_hosts file: the host keys we trust. Read on every check (so a line added by an
 * operator with {@code ssh-keyscan} counts at once), appended to only by {@link #trust}.
 *
 * <p>Understood: plain and hashed ({@code |1|salt|hash}) host fields, comma-separated patterns with
 * {@code *}, {@code ?} and negation {@code !}, {@code [host]:port} names, the {@code @revoked}
 * marker (a revoked key is refused like a changed one). {@code @cert-authority} lines are
 * ignored: certificates are not accepted. Unknown hosts are never accepted silently: the
 * caller shows {@link PresentedHostKey#fingerprint()} to a person and calls {@link #trust} with
 * the fingerprint they confirmed.
 */
public final class KnownHostsFile {

    /** What known_hosts says about a presented key. */
    public enum Verdict {
        /** A line for this host holds exactly this key. */
        TRUSTED,
        /** No line names this host with a key of this type. */
        UNKNOWN,
        /** Lines name this host with another key of this type, or this key is revoked. */
        CHANGED
    }

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final Path file;

    public KnownHostsFile(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    /** {@code ~/.ssh/known_hosts} of the user running Tidepool. */
    public static KnownHostsFile ofUser() {
        return new KnownHostsFile(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
    }

    public Path path() {
        return file;
    }

    public Verdict check(PresentedHostKey key) {
        boolean sameTypeOtherKey = false;
        for (Entry entry : entries()) {
            if (!entry.matches(key.knownHostsName()) || !entry.type.equals(key.type())) {
                continue;
            }
            boolean sameKey = MessageDigest.isEqual(entry.blob, key.blob());
            if (entry.revoked && sameKey) {
                return Verdict.CHANGED;
            }
            if (!entry.revoked) {
                if (sameKey) {
                    return Verdict.TRUSTED;
                }
                sameTypeOtherKey = true;
            }
        }
        return sameTypeOtherKey ? Verdict.CHANGED : Verdict.UNKNOWN;
    }

    /** The key types known for a host (so the key exchange can prefer them), in file order. */
    public List<String> knownTypes(String knownHostsName) {
        List<String> types = new ArrayList<>();
        for (Entry entry : entries()) {
            if (!entry.revoked && entry.matches(knownHostsName) && !types.contains(entry.type)) {
                types.add(entry.type);
            }
        }
        return types;
    }

    /**
     * Records {@code key} as trusted for its host, after a person compared
     * {@code confirmedFingerprint} with the server's own ({@code ssh-keygen -lf} on the server).
     * Refuses when the fingerprint is not the key's, or when known_hosts holds another key of this
     * type for the host (a changed key is removed by hand, deliberately).
     */
    public void trust(PresentedHostKey key, String confirmedFingerprint) {
        if (!key.fingerprint().equals(confirmedFingerprint.trim())) {
            throw new IllegalArgumentException("confirmed fingerprint " + confirmedFingerprint.trim()
                    + " is not the fingerprint of the presented key (" + key.fingerprint() + ")");
        }
        Verdict verdict = check(key);
        if (verdict == Verdict.TRUSTED) {
            return;
        }
        if (verdict == Verdict.CHANGED) {
            throw new IllegalStateException(file + " holds another " + key.type() + " key for " + key.knownHostsName()
                    + "; remove that line first if the server's key really changed");
        }
        try {
            Path parent = file.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent);
                trySetMode(parent, "rwx------");
            }
            boolean created = !Files.exists(file);
            String existing = created ? "" : Files.readString(file, StandardCharsets.UTF_8);
            String prefix = existing.isEmpty() || existing.endsWith("\n") ? "" : "\n";
            Files.writeString(file, prefix + key.knownHostsLine() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (created) {
                trySetMode(file, "rw-r--r--");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add the host key of " + key.knownHostsName() + " to " + file, e);
        }
    }

    private static void trySetMode(Path path, String mode) {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not a POSIX file system: the platform's defaults apply.
        }
    }

    private List<Entry> entries() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<Entry> entries = new ArrayList<>();
        for (String line : lines) {
            Entry.parse(line.strip()).ifPresent(entries::add);
        }
        return entries;
    }

    @Override
    public String toString() {
        return file.toString();
    }

    /** One usable line: host field, key type, key blob. */
    private record Entry(boolean revoked, String hosts, String type, byte[] blob) {

        static java.util.Optional<Entry> parse(String line) {
            if (line.isEmpty() || line.startsWith("#")) {
                return java.util.Optional.empty();
            }
            String[] fields = WHITESPACE.split(line);
            int i = 0;
            boolean revoked = false;
            if (fields[0].startsWith("@")) {
                if (!fields[0].equals("@revoked")) {
                    return java.util.Optional.empty(); // @cert-authority: certificates are not used
                }
                revoked = true;
                i = 1;
            }
            if (fields.length < i + 3) {
                return java.util.Optional.empty();
            }
            try {
                byte[] blob = Base64.getDecoder().decode(fields[i + 2]);
                return java.util.Optional.of(new Entry(revoked, fields[i], fields[i + 1], blob));
            } catch (IllegalArgumentException e) {
                return java.util.Optional.empty(); // not base64: a damaged line matches nothing
            }
        }

        boolean matches(String name) {
            if (hosts.startsWith("|1|")) {
                return hashedMatches(name);
            }
            boolean matched = false;
            for (String pattern : hosts.split(",")) {
                boolean negated = pattern.startsWith("!");
                String p = negated ? pattern.substring(1) : pattern;
                if (wildcardMatches(p.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT))) {
                    if (negated) {
                        return false;
                    }
                    matched = true;
                }
            }
            return matched;
        }

        /** {@code |1|base64(salt)|base64(HMAC-SHA1(salt, name))}, what {@code HashKnownHosts yes} writes. */
        private boolean hashedMatches(String name) {
            String[] parts = hosts.split("\\|");
            if (parts.length != 4) {
                return false;
            }
            try {
                byte[] salt = Base64.getDecoder().decode(parts[2]);
                byte[] hash = Base64.getDecoder().decode(parts[3]);
                Mac mac = Mac.getInstance("HmacSHA1");
                mac.init(new SecretKeySpec(salt, "HmacSHA1"));
                return MessageDigest.isEqual(hash, mac.doFinal(name.getBytes(StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                return false;
            }
        }

        static boolean wildcardMatches(String pattern, String text) {
            return wildcard(pattern, 0, text, 0);
        }

        private static boolean wildcard(String p, int pi, String t, int ti) {
            while (pi < p.length()) {
                char c = p.charAt(pi);
                if (c == '*') {
                    for (int k = ti; k <= t.length(); k++) {
                        if (wildcard(p, pi + 1, t, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                if (ti >= t.length() || (c != '?' && c != t.charAt(ti))) {
                    return false;
                }
                pi++;
                ti++;
            }
            return ti == t.length();
        }
    }
}
