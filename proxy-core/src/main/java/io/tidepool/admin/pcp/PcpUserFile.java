package io.tidepool.admin.pcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * pcp.conf (spec 1.4): {@code user:md5hex(password)} per line. Read the way pgpool-II reads it:
 * lines starting with {@code #} and empty lines are skipped, the user runs to the first
 * {@code :}, the stored value is the rest of the line verbatim (a {@code \r} or trailing blank
 * becomes part of it and then never matches), the first entry for a user wins.
 */
public final class PcpUserFile {

    /** Longest user name and longest stored value pgpool-II accepts. */
    public static final int MAX_FIELD_LENGTH = 128;

    /** One usable line. */
    public record Entry(String user, String storedPassword) {
    }

    private final List<Entry> entries;

    private PcpUserFile(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static PcpUserFile parse(String content) {
        List<Entry> entries = new ArrayList<>();
        for (String line : content.split("\n", -1)) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String user = line.substring(0, colon);
            String stored = line.substring(colon + 1);
            if (user.length() > MAX_FIELD_LENGTH || stored.length() > MAX_FIELD_LENGTH) {
                continue;
            }
            entries.add(new Entry(user, stored));
        }
        return new PcpUserFile(entries);
    }

    public static PcpUserFile read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** The stored md5 of the user's password, if the user is listed. */
    public Optional<String> storedPassword(String user) {
        return entries.stream().filter(e -> e.user().equals(user)).map(Entry::storedPassword).findFirst();
    }

    public List<Entry> entries() {
        return entries;
    }
}
