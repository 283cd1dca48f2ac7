package io.tidepool.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the running server did with its last reload, for the {@code reload} command to print.
 *
 * <p>A reload is requested with SIGHUP (so that {@code systemctl reload} and scripts written
 * for pgpool-II work), and a signal carries no answer. The server therefore writes this small
 * text file next to its pid file ({@code <pid_file_name>.reload}) after every reload; the
 * {@code reload} command notes the generation before signalling and waits for a newer one.
 * The file is plain {@code key: value} lines, readable by an operator:
 *
 * <pre>
 * generation: 3
 * time: 2026-11-21T07:40:01Z
 * status: ok
 * changed: log_min_messages, load_balance_mode
 * restart: port
 * problem: /etc/pgpool2/pgpool.conf:12: invalid value 'x' for port (expected an integer 1..65535)
 * </pre>
 */
public record ReloadReport(long generation, Instant time, boolean ok, List<String> changed,
                           List<String> needRestart, List<String> problems) {

    public ReloadReport {
        changed = List.copyOf(changed);
        needRestart = List.copyOf(needRestart);
        problems = List.copyOf(problems);
    }

    public static Path pathFor(PidFile pidFile) {
        return pidFile.path().resolveSibling(pidFile.path().getFileName() + ".reload");
    }

    /** Reads the report; empty when there is none or it cannot be parsed. */
    public static Optional<ReloadReport> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        long generation = -1;
        Instant time = Instant.EPOCH;
        boolean ok = false;
        List<String> changed = List.of();
        List<String> restart = List.of();
        List<String> problems = new ArrayList<>();
        try {
            for (String line : lines) {
                int colon = line.indexOf(": ");
                if (colon < 0) {
                    continue;
                }
                String value = line.substring(colon + 2);
                switch (line.substring(0, colon)) {
                    case "generation" -> generation = Long.parseLong(value);
                    case "time" -> time = Instant.parse(value);
                    case "status" -> ok = value.equals("ok");
                    case "changed" -> changed = splitNames(value);
                    case "restart" -> restart = splitNames(value);
                    case "problem" -> problems.add(value);
                    default -> {
                        // A later version may add keys.
                    }
                }
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return generation < 0 ? Optional.empty()
                : Optional.of(new ReloadReport(generation, time, ok, changed, restart, problems));
    }

    /** Writes atomically (temp file + rename), so a reader never sees half a report. */
    public void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("generation: ").append(generation).append('\n');
        text.append("time: ").append(time).append('\n');
        text.append("status: ").append(ok ? "ok" : "failed").append('\n');
        text.append("changed: ").append(String.join(", ", changed)).append('\n');
        text.append("restart: ").append(String.join(", ", needRestart)).append('\n');
        for (String problem : problems) {
            text.append("problem: ").append(problem.replace('\n', ' ')).append('\n');
        }
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<String> splitNames(String value) {
        return value.isBlank() ? List.of() : List.of(value.split(",\\s*"));
    }
}
