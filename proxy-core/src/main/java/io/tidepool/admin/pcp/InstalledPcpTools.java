package io.tidepool.admin.pcp;

import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.LocalClusterException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The release of pgpool-II's {@code pcp_*} tools installed on this machine, which
 * {@code pcp_client_version = 'auto'} serves: PCP has no version negotiation, and the tools of
 * each generation read node-info fields by position ({@link NodeInfoLayout}), so a server that
 * guesses wrong makes them print shifted columns (a 4.3 {@code pcp_node_info} shows the
 * replication state as {@code 0} and the last status change as 1970).
 *
 * <p>Asked once per process ({@code pcp_node_info --version}, which prints
 * {@code pcp_node_info (pgpool-II) 4.3.5}); tools used from another machine are not seen, which is
 * what the explicit setting is for.
 */
public final class InstalledPcpTools {

    /** Where packages put the tools, for a server whose {@code PATH} lacks them (Debian: {@code /usr/sbin}). */
    private static final List<Path> USUAL_DIRECTORIES = List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"),
            Path.of("/usr/local/bin"));
    private static final Pattern VERSION = Pattern.compile("\\(pgpool-II\\)\\s+(\\d+\\.\\d+(?:\\.\\d+)?)");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** A tool found, and the release it reported. */
    public record Found(Path tool, String version) {
    }

    private static volatile Optional<Found> detected;

    private InstalledPcpTools() {
    }

    /** The installed tools' release, asked once per process; empty when none is installed or it will not say. */
    public static Optional<Found> find() {
        Optional<Found> known = detected;
        if (known == null) {
            known = ask(candidates());
            detected = known;
        }
        return known;
    }

    /** {@code pcp_node_info} on PATH first, then in the usual directories. */
    static List<Path> candidates() {
        List<Path> tools = new ArrayList<>();
        ExternalCommand.onPath("pcp_node_info").ifPresent(tools::add);
        for (Path dir : USUAL_DIRECTORIES) {
            Path tool = dir.resolve("pcp_node_info");
            if (!tools.contains(tool)) {
                tools.add(tool);
            }
        }
        return tools;
    }

    /** The first of {@code tools} that exists and reports a version. */
    static Optional<Found> ask(List<Path> tools) {
        for (Path tool : tools) {
            if (!Files.isExecutable(tool)) {
                continue;
            }
            try {
                CommandResult result = ExternalCommand.of(tool.toString(), "--version").timeout(TIMEOUT).run();
                Optional<String> version = parseVersion(result.stdout() + "\n" + result.stderr());
                if (version.isPresent()) {
                    return Optional.of(new Found(tool, version.get()));
                }
            } catch (LocalClusterException e) {
                // would not start, or did not finish in time: try the next candidate
            }
        }
        return Optional.empty();
    }

    /** The release in a tool's {@code --version} output, e.g. {@code 4.3.5} from {@code pcp_node_info (pgpool-II) 4.3.5}. */
    static Optional<String> parseVersion(String output) {
        Matcher m = VERSION.matcher(output);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
