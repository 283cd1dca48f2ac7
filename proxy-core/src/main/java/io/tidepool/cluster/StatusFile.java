package io.tidepool.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node status file {@code pgpool_status} (spec 3.4): one line per backend slot, {@code up},
 * {@code down} or {@code unused}. pgpool-II and Tidepool can read each other's files, so an
 * installation can switch without its detached nodes coming back by surprise.
 */
public final class StatusFile {

    public static final String NAME = "pgpool_status";

    private static final Logger log = LoggerFactory.getLogger(StatusFile.class);
    /** pgpool-II's old binary format: 128 native-endian int32 status codes. */
    private static final int LEGACY_SIZE = 128 * 4;

    private StatusFile() {
    }

    /**
     * Reads the statuses of {@code slots} slots. Empty when there is no file, or when it is bogus
     * (no slot {@code up}): then every configured node starts as if there were no file, as in
     * pgpool-II. Unreadable lines leave their slot {@code UNUSED} with a warning.
     */
    public static Optional<List<NodeStatus>> read(Path file, int slots) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        List<NodeStatus> statuses = bytes.length == LEGACY_SIZE && !containsNewline(bytes)
                ? readLegacy(bytes, slots)
                : readText(file, new String(bytes, StandardCharsets.UTF_8), slots);
        if (statuses.stream().noneMatch(s -> s == NodeStatus.UP)) {
            log.warn("{} names no node that is up; ignoring it", file);
            return Optional.empty();
        }
        return Optional.of(statuses);
    }

    private static List<NodeStatus> readText(Path file, String text, int slots) {
        List<NodeStatus> statuses = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < slots; i++) {
            String line = i < lines.length ? lines[i].trim().toLowerCase(Locale.ROOT) : "";
            NodeStatus status;
            // pgpool-II compares by prefix, so "up " or "down # detached" still count.
            if (line.startsWith("up")) {
                status = NodeStatus.UP;
            } else if (line.startsWith("down")) {
                status = NodeStatus.DOWN;
            } else if (line.startsWith("unused")) {
                status = NodeStatus.UNUSED;
            } else {
                if (i < lines.length && !(i == lines.length - 1 && line.isEmpty())) {
                    log.warn("{} line {}: '{}' is not up, down or unused; node {} treated as unused", file, i + 1,
                            lines[i], i);
                }
                status = NodeStatus.UNUSED;
            }
            statuses.add(status);
        }
        return statuses;
    }

    private static List<NodeStatus> readLegacy(byte[] bytes, int slots) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        List<NodeStatus> statuses = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            int code = buffer.getInt(i * 4);
            statuses.add(switch (code) {
                case 1, 2 -> NodeStatus.UP;
                case 3 -> NodeStatus.DOWN;
                default -> NodeStatus.UNUSED;
            });
        }
        return statuses;
    }

    private static boolean containsNewline(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\n') {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the file (truncate, write, fsync). Waiting counts as up. Nothing is written when no
     * configured node is up: the file keeps the last set of nodes that had the data.
     *
     * @return whether the file was written
     */
    public static boolean write(Path file, List<NodeStatus> statuses) throws IOException {
        if (statuses.stream().noneMatch(s -> s == NodeStatus.UP || s == NodeStatus.WAITING)) {
            return false;
        }
        StringBuilder text = new StringBuilder();
        for (NodeStatus status : statuses) {
            text.append(switch (status) {
                case UP, WAITING -> "up";
                case DOWN -> "down";
                case UNUSED -> "unused";
            }).append('\n');
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer data = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
            while (data.hasRemaining()) {
                channel.write(data);
            }
            channel.force(true);
        }
        return true;
    }

    /** Removes the file (start with {@code -D}). */
    public static void discard(Path file) throws IOException {
        Files.deleteIfExists(file);
    }
}
