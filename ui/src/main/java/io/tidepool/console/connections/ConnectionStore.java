package io.tidepool.console.connections;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Saved connections in one JSON file, by default {@code $XDG_CONFIG_HOME/tidepool/connections.json}
 * ({@code ~/.config/...}). Written atomically, readable only by its owner even though it holds
 * no secrets (host names and user names are still worth keeping private).
 */
public final class ConnectionStore {

    private static final TypeReference<List<ConnectionProfile>> LIST = new TypeReference<>() { };
    private final Path file;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ConnectionStore(Path file) {
        this.file = file;
    }

    public static ConnectionStore atDefaultLocation() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return new ConnectionStore(base.resolve("tidepool").resolve("connections.json"));
    }

    public Path file() {
        return file;
    }

    /** The saved connections; empty when the file does not exist yet. */
    public List<ConnectionProfile> load() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return List.copyOf(json.readValue(file.toFile(), LIST));
        } catch (IOException e) {
            throw new IOException("could not read saved connections from " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the saved list. */
    public void save(List<ConnectionProfile> profiles) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        json.writeValue(tmp.toFile(), new ArrayList<>(profiles));
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system; the file holds no secrets, so this is acceptable.
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Adds or replaces (by name) one profile. */
    public List<ConnectionProfile> upsert(ConnectionProfile profile) throws IOException {
        List<ConnectionProfile> all = new ArrayList<>(load());
        all.removeIf(p -> p.name().equals(profile.name()));
        all.add(profile);
        save(all);
        return List.copyOf(all);
    }
}
