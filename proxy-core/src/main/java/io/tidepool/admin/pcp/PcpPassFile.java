package io.tidepool.admin.pcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The {@code .pcppass} password file (spec 1.10): {@code hostname:port:username:password} per
 * line, {@code *} matching anything, {@code \} escaping the next character, first match wins.
 * A file that group or others may access is ignored, as pgpool-II and libpq do.
 */
public final class PcpPassFile {

    /** Longer lines are ignored. */
    public static final int MAX_LINE_LENGTH = 320;

    private static final Set<PosixFilePermission> TOO_OPEN = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PcpPassFile() {
    }

    /** {@code PCPPASSFILE} if set, else {@code $HOME/.pcppass}. */
    public static Path location(Map<String, String> environment) {
        String fromEnv = environment.get("PCPPASSFILE");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return Path.of(fromEnv);
        }
        return Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")), ".pcppass");
    }

    /**
     * The password of the first matching line.
     *
     * @param warnings told why an existing file was not used
     */
    public static Optional<String> lookup(Path file, String host, int port, String user, Consumer<String> warnings) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
            warnings.accept("password file \"" + file + "\" is not a plain file");
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(TOO_OPEN::contains)) {
                warnings.accept("password file \"" + file
                        + "\" has group or world access; permissions should be u=rw (0600) or less");
                return Optional.empty();
            }
            return lookup(Files.readString(file, StandardCharsets.UTF_8), host, port, user);
        } catch (UnsupportedOperationException e) {
            return Optional.empty();
        } catch (IOException e) {
            warnings.accept("cannot read password file \"" + file + "\": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Looks a password up in the file's content. */
    public static Optional<String> lookup(String content, String host, int port, String user) {
        String portText = Integer.toString(port);
        for (String line : content.split("\n")) {
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty() || line.length() > MAX_LINE_LENGTH) {
                continue;
            }
            List<String> fields = split(line);
            if (fields.size() < 4) {
                continue;
            }
            if (matches(fields.get(0), host) && matches(fields.get(1), portText) && matches(fields.get(2), user)) {
                return Optional.of(fields.get(3));
            }
        }
        return Optional.empty();
    }

    private static boolean matches(String pattern, String value) {
        return pattern.equals("*") || pattern.equals(value);
    }

    /** Three fields end at unescaped colons; the password is the rest of the line, unescaped. */
    private static List<String> split(String line) {
        List<String> fields = new ArrayList<>(4);
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                field.append(line.charAt(++i));
            } else if (c == ':' && fields.size() < 3) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
