package io.tidepool.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * How a detached server tells the command that launched it whether it came up: one line
 * {@code ready} or {@code failed}, then the listening addresses or the error, written
 * atomically to a file the launcher named with the hidden {@code --ready-file} option.
 */
record StartupReport(boolean ready, List<String> lines) {

    static void ready(Path file, List<String> addresses) {
        write(file, "ready", addresses);
    }

    static void failed(Path file, String message) {
        write(file, "failed", List.of(message.split("\n")));
    }

    static Optional<StartupReport> read(Path file) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (all.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new StartupReport(all.get(0).equals("ready"), all.subList(1, all.size())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void write(Path file, String status, List<String> lines) {
        if (file == null) {
            return;
        }
        try {
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(temp, concat(status, lines), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            System.err.println("tidepool: cannot write start-up report " + file + ": " + e.getMessage());
        }
    }

    private static List<String> concat(String first, List<String> rest) {
        java.util.ArrayList<String> all = new java.util.ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }
}
