package io.tidepool.ops.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * {@code cluster.properties}, the file by which {@link LocalCluster#open} finds a persistent
 * cluster again: roles and their passwords, authentication methods, the socket directory, extra
 * server settings ({@code setting.<name>}), the node names and each node's port. It holds
 * passwords, so it is readable by its owner only.
 */
final class ClusterDescriptor {

    static final String FILE = "cluster.properties";

    private static final String SETTING_PREFIX = "setting.";

    private ClusterDescriptor() {
    }

    /** True when {@code base} holds a descriptor. */
    static boolean existsIn(Path base) {
        return Files.isRegularFile(base.resolve(FILE));
    }

    static Optional<Properties> read(Path base) {
        Properties described = new Properties();
        try (InputStream in = Files.newInputStream(base.resolve(FILE))) {
            described.load(in);
            return Optional.of(described);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records the nodes with their current ports and the current authentication methods in {@code described}, then writes it. */
    static void write(Path base, Properties described, List<LocalNode> nodes, AuthMethod localAuth, AuthMethod hostAuth) {
        for (LocalNode node : nodes) {
            described.setProperty("node." + node.name() + ".port", Integer.toString(node.port()));
        }
        described.setProperty("nodes", nodes.stream().map(LocalNode::name).collect(Collectors.joining(",")));
        described.setProperty("auth.local", localAuth.name());
        described.setProperty("auth.host", hostAuth.name());
        Path file = base.resolve(FILE);
        try (OutputStream out = Files.newOutputStream(file)) {
            described.store(out, "Tidepool local cluster (read by LocalCluster.open)");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static void putSettings(Properties described, Map<String, String> settings) {
        settings.forEach((name, value) -> described.setProperty(SETTING_PREFIX + name, value));
    }

    /** The extra server settings, as given to the builder. */
    static Map<String, String> settings(Properties described) {
        Map<String, String> settings = new LinkedHashMap<>();
        described.stringPropertyNames().stream().filter(k -> k.startsWith(SETTING_PREFIX))
                .forEach(k -> settings.put(k.substring(SETTING_PREFIX.length()), described.getProperty(k)));
        return settings;
    }

    /** The node names, the primary first. */
    static List<String> nodeNames(Properties described) {
        return List.of(described.getProperty("nodes").split(","));
    }

    static int port(Properties described, String nodeName) {
        return Integer.parseInt(described.getProperty("node." + nodeName + ".port"));
    }
}
