package io.tidepool.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pool_passwd file (spec 4.1): one {@code user:password[:backend_user:backend_password]}
 * entry per line, {@code \} escaping the next character. Immutable; {@link #withEntry} returns
 * a changed copy that keeps every other line as it was.
 */
public final class PoolPasswdFile {

    /** pgpool.conf's default for {@code pool_passwd}. */
    public static final String DEFAULT_NAME = "pool_passwd";
    private static final int MAX_USER_LENGTH = 128;

    private final List<String> lines;

    private PoolPasswdFile(List<String> lines) {
        this.lines = List.copyOf(lines);
    }

    public static PoolPasswdFile empty() {
        return new PoolPasswdFile(List.of());
    }

    public static PoolPasswdFile parse(String content) {
        List<String> lines = new ArrayList<>(List.of(content.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return new PoolPasswdFile(lines);
    }

    /** Reads the file; a missing file is an empty one (pg_md5 -m creates it). */
    public static PoolPasswdFile read(Path file) throws IOException {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return empty();
        }
    }

    /** Every line that holds an entry, in file order. */
    public List<PoolPasswdEntry> entries() {
        List<PoolPasswdEntry> entries = new ArrayList<>();
        for (String line : lines) {
            parseLine(line).ifPresent(entries::add);
        }
        return List.copyOf(entries);
    }

    /** The first entry for the user, as pgpool-II looks it up. */
    public Optional<PoolPasswdEntry> find(String user) {
        for (String line : lines) {
            Optional<PoolPasswdEntry> entry = parseLine(line);
            if (entry.isPresent() && entry.get().user().equals(user)) {
                return entry;
            }
        }
        return Optional.empty();
    }

    /** A copy in which the user's first line is replaced by {@code user:stored}, or that line is appended. */
    public PoolPasswdFile withEntry(String user, String storedPassword) {
        if (user.isEmpty() || user.length() > MAX_USER_LENGTH) {
            throw new IllegalArgumentException("user name must be 1.." + MAX_USER_LENGTH + " characters");
        }
        String newLine = escape(user) + ":" + escape(storedPassword);
        List<String> changed = new ArrayList<>(lines);
        for (int i = 0; i < changed.size(); i++) {
            Optional<PoolPasswdEntry> entry = parseLine(changed.get(i));
            if (entry.isPresent() && entry.get().user().equals(user)) {
                changed.set(i, newLine);
                return new PoolPasswdFile(changed);
            }
        }
        changed.add(newLine);
        return new PoolPasswdFile(changed);
    }

    public String format() {
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /**
     * Writes the file atomically (temporary file + rename). An existing file keeps its
     * permissions, owner and group (pgpool-II, running as another user, must still read it);
     * a new file is readable by its owner only.
     */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, ".pool_passwd", ".tmp");
        try {
            try {
                if (Files.exists(file)) {
                    Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(file));
                    copyOwnership(file, temp);
                } else {
                    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
                }
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: keep the default permissions
            }
            Files.writeString(temp, format(), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void copyOwnership(Path from, Path to) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(from, PosixFileAttributes.class);
        try {
            Files.setOwner(to, attributes.owner());
            Files.getFileAttributeView(to, PosixFileAttributeView.class).setGroup(attributes.group());
        } catch (IOException e) {
            // Only a privileged user may give a file away; an ordinary user keeps ownership of it.
        }
    }

    /**
     * Splits one line: fields end at an unescaped {@code :}; {@code \} takes the next character
     * literally. Lines without a {@code :} or with an empty user hold no entry.
     */
    static Optional<PoolPasswdEntry> parseLine(String line) {
        List<String> fields = new ArrayList<>(4);
        StringBuilder field = new StringBuilder();
        boolean sawColon = false;
        for (int i = 0; i < line.length(); i++) {
            if (fields.size() == 1 && field.length() == 0) {
                // A PostgreSQL SCRAM secret has two colons of its own; one written without
                // escapes (as copied from pg_authid) is taken whole. pgpool-II would cut it at
                // its first colon and never match; escaped colons work in both.
                Matcher scram = UNESCAPED_SCRAM_SECRET.matcher(line).region(i, line.length());
                if (scram.lookingAt()) {
                    field.append(scram.group());
                    i = scram.end() - 1;
                    continue;
                }
            }
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                field.append(line.charAt(++i));
            } else if (c == ':') {
                sawColon = true;
                fields.add(field.toString());
                field.setLength(0);
            } else if (c != '\r') {
                field.append(c);
            }
        }
        fields.add(field.toString());
        if (!sawColon || fields.get(0).isEmpty()) {
            return Optional.empty();
        }
        Optional<String> backendUser = fields.size() > 2 && !fields.get(2).isEmpty()
                ? Optional.of(fields.get(2)) : Optional.empty();
        Optional<String> backendPassword = fields.size() > 3 && backendUser.isPresent()
                ? Optional.of(fields.get(3)) : Optional.empty();
        return Optional.of(new PoolPasswdEntry(fields.get(0), fields.get(1), backendUser, backendPassword));
    }

    private static final Pattern UNESCAPED_SCRAM_SECRET =
            Pattern.compile("SCRAM-SHA-256\\$\\d+:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+(?=:|\\r?$)");

    static String escape(String field) {
        return field.replace("\\", "\\\\").replace(":", "\\:");
    }

    private static final Pattern POOL_PASSWD_SETTING =
            Pattern.compile("^\\s*pool_passwd\\s*=?\\s*(?:'((?:[^'\\\\]|\\\\.|'')*)'|([^\\s#]*))");

    /**
     * Where the pool_passwd file of a pgpool.conf lives: its {@code pool_passwd} setting
     * (default {@value #DEFAULT_NAME}), relative to the directory of pgpool.conf. Empty when
     * the setting is the empty string, which disables pool_passwd.
     *
     * <p>Only this one setting is read (the last occurrence wins, as in pgpool.conf), so the
     * tools keep working on a file whose other settings are invalid.
     */
    public static Optional<Path> locate(Path pgpoolConf) throws IOException {
        String value = DEFAULT_NAME;
        for (String line : Files.readAllLines(pgpoolConf, StandardCharsets.UTF_8)) {
            Matcher m = POOL_PASSWD_SETTING.matcher(line);
            if (m.find()) {
                value = m.group(1) != null
                        ? m.group(1).replace("''", "'").replaceAll("\\\\(.)", "$1")
                        : m.group(2);
            }
        }
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(value);
        if (path.isAbsolute()) {
            return Optional.of(path);
        }
        Path dir = pgpoolConf.toAbsolutePath().getParent();
        return Optional.of(dir.resolve(path));
    }
}
