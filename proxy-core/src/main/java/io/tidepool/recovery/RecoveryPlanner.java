package io.tidepool.recovery;

import static io.tidepool.ops.ssh.Shell.quote;

import io.tidepool.cluster.ClusteringMode;
import io.tidepool.config.BackendDefinition;
import io.tidepool.ops.ssh.SshSettings;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns settings and probe results into a {@link RecoveryPlan}. Pure: no I/O, so every decision
 * is unit-tested.
 *
 * <h2>Built-in recovery (streaming replication, no recovery_1st_stage_command)</h2>
 * <ul>
 *   <li><b>pg_rewind</b> when the target's data directory exists, belongs to the same cluster
 *       (system identifier) and ran with {@code wal_log_hints} or data checksums (pg_rewind's
 *       precondition), unless {@code recovery_method = basebackup}. A dry run of pg_rewind comes
 *       first; if any step fails, the pg_basebackup plan runs instead (unless
 *       {@code recovery_method = rewind}). pg_rewind changes the directory in place.</li>
 *   <li><b>pg_basebackup</b> otherwise: the old directory is renamed to
 *       {@code <dir>.before-recovery-<time>} and put back if a step fails; it is removed once the
 *       node streams.</li>
 *   <li>Both keep the node's own configuration files ({@code *.conf} at the top of its data
 *       directory, which pg_rewind and pg_basebackup overwrite with the primary's), then append to
 *       {@code postgresql.auto.conf}: {@code port} (backend_portN), {@code primary_conninfo} and,
 *       with recovery_replication_slot, {@code primary_slot_name}; create {@code standby.signal};
 *       start with {@code pg_ctl}; wait until the primary's {@code pg_stat_replication} shows the
 *       node streaming; attach it.</li>
 * </ul>
 *
 * <h2>Scripts (recovery_1st_stage_command set): pgpool-II's sequence, spec 3.2 and 3.3</h2>
 * Through the {@code pgpool_recovery} extension when it is installed on the source, else the
 * same programs over SSH on the source's host with the same arguments; then
 * {@code pgpool_remote_start}; the postmaster check; in native replication the 2nd stage with
 * client sessions drained; attach.
 */
public final class RecoveryPlanner {

    /** Bound on one recovery script stage (pgpool-II has none; a base backup of a large database takes hours). */
    static final Duration SCRIPT_LIMIT = Duration.ofHours(6);
    static final Duration COPY_LIMIT = Duration.ofHours(6);
    static final Duration SHORT_LIMIT = Duration.ofSeconds(60);
    static final Duration STOP_LIMIT = Duration.ofSeconds(120);

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private RecoveryPlanner() {
    }

    public static RecoveryPlan plan(RecoverySettings s, RecoveryFacts facts, Instant now) throws RecoveryException {
        if (!s.firstStage().isEmpty()) {
            return scripts(s, facts);
        }
        if (s.mode() != ClusteringMode.STREAMING_REPLICATION) {
            throw RecoveryException.refused("node recovery failed: the built-in recovery works in streaming replication mode",
                    "set recovery_1st_stage_command (and recovery_2nd_stage_command) for " + s.mode().configName() + " mode");
        }
        String dir = s.target().dataDirectory();
        if (dir.isBlank() || !dir.startsWith("/")) {
            throw RecoveryException.refused("node recovery failed: backend_data_directory" + s.target().id()
                    + " is " + (dir.isBlank() ? "not set" : "not an absolute path (" + dir + ")"),
                    "set it to the node's data directory on its host");
        }
        String bin = s.targetBinDir().isEmpty() ? facts.sourceBinDir() : s.targetBinDir();
        if (bin.isEmpty()) {
            throw RecoveryException.refused("node recovery failed: where the PostgreSQL programs are on node "
                    + s.target().id() + "'s host is unknown", "set pg_bin_dir" + s.target().id()
                    + " (or pg_bin_dir) in tidepool.conf, e.g. /usr/lib/postgresql/16/bin");
        }
        Paths p = new Paths(dir, bin, STAMP.format(now));
        RecoveryFacts.TargetData target = facts.target().orElse(RecoveryFacts.TargetData.missing());
        List<String> reasons = new ArrayList<>();
        Optional<String> rewindBlocker = rewindBlocker(target, facts);
        switch (s.method()) {
            case "basebackup" -> {
                reasons.add("recovery_method is basebackup");
                return basebackup(s, p, reasons);
            }
            case "rewind" -> {
                if (rewindBlocker.isPresent()) {
                    throw RecoveryException.refused("node recovery failed: pg_rewind is impossible for node "
                            + s.target().id() + ": " + rewindBlocker.get(), "set recovery_method = auto to use pg_basebackup");
                }
                reasons.add(rewindReason(target));
                return rewind(s, p, target, reasons, Optional.empty());
            }
            default -> {
                if (rewindBlocker.isPresent()) {
                    reasons.add(rewindBlocker.get());
                    return basebackup(s, p, reasons);
                }
                reasons.add(rewindReason(target));
                List<String> fallbackReasons = List.of("pg_rewind failed");
                return rewind(s, p, target, reasons, Optional.of(basebackup(s, p, fallbackReasons)));
            }
        }
    }

    /** Why pg_rewind cannot work on this target, if it cannot. */
    static Optional<String> rewindBlocker(RecoveryFacts.TargetData target, RecoveryFacts facts) {
        if (!target.exists()) {
            return Optional.of("the node's data directory does not exist");
        }
        if (!target.hasControlFile()) {
            return Optional.of("the node's data directory holds no PostgreSQL cluster (no global/pg_control)");
        }
        if (!facts.sourceSystemIdentifier().isEmpty() && !target.systemIdentifier().equals(facts.sourceSystemIdentifier())) {
            return Optional.of("the node's data directory belongs to another cluster (system identifier "
                    + target.systemIdentifier() + ", the primary's is " + facts.sourceSystemIdentifier() + ")");
        }
        if (!target.walLogHints() && !target.dataChecksums()) {
            return Optional.of("the node ran without wal_log_hints and without data checksums, which pg_rewind needs");
        }
        return Optional.empty();
    }

    private static String rewindReason(RecoveryFacts.TargetData target) {
        return "the node's data directory is of this cluster and ran with "
                + (target.walLogHints() ? "wal_log_hints = on" : "data checksums") + " (last state: " + target.clusterState() + ")";
    }

    /** The file names one plan uses, all next to the data directory. */
    private record Paths(String dir, String bin, String stamp) {
        String aside() {
            return dir + ".before-recovery-" + stamp;
        }

        String savedConfig() {
            return dir + ".config-before-rewind-" + stamp;
        }

        String startLog() {
            return dir + ".log";
        }

        String parent() {
            int slash = dir.lastIndexOf('/');
            return slash <= 0 ? "/" : dir.substring(0, slash);
        }

        String program(String name) {
            return quote(bin + "/" + name);
        }
    }

    // ---------------------------------------------------------------- built-in

    private static RecoveryPlan basebackup(RecoverySettings s, Paths p, List<String> reasons) {
        SshSettings ssh = s.targetSsh();
        List<PlanStep> steps = new ArrayList<>();
        slot(s).ifPresent(steps::add);
        steps.add(stopIfRunning(s, p));
        steps.add(remote("move the old data directory aside", ssh,
                "mkdir -p " + quote(p.parent()) + " && if [ -e " + quote(p.dir()) + " ]; then mv " + quote(p.dir()) + " "
                        + quote(p.aside()) + "; else echo 'no old data directory'; fi", SHORT_LIMIT));
        String conninfo = conninfo(s, s.replicationUser(), false);
        StringBuilder backup = new StringBuilder(passwordPrefix(s.replicationPassword()))
                .append(p.program("pg_basebackup")).append(" -D ").append(quote(p.dir()))
                .append(" -d ").append(quote(conninfo)).append(" -X stream -c fast -P -v");
        s.slotName().ifPresent(slot -> backup.append(" -S ").append(quote(slot)));
        if (!s.basebackupOptions().isBlank()) {
            backup.append(' ').append(s.basebackupOptions().trim());
        }
        steps.add(new PlanStep.Remote("copy the primary with pg_basebackup", ssh, backup.toString(),
                stdinFor(s.replicationPassword()), shownStdin(s.replicationPassword()), COPY_LIMIT, true));
        steps.add(remote("keep the node's own configuration files", ssh,
                "if [ -d " + quote(p.aside()) + " ]; then for f in " + quote(p.aside()) + "/*.conf; do if [ -f \"$f\" ]; then cp -p \"$f\" "
                        + quote(p.dir()) + "/ || exit 1; fi; done; fi", SHORT_LIMIT));
        steps.add(configureStandby(s, p));
        steps.add(start(s, p));
        steps.add(awaitStreaming(s));
        steps.add(new PlanStep.Attach("attach node " + s.target().id(), s.target().id(), SHORT_LIMIT));
        steps.add(new PlanStep.Remote("remove the old data directory", ssh, "rm -rf " + quote(p.aside()), "", "",
                COPY_LIMIT, false));
        PlanStep restore = remote("put the old data directory back", ssh,
                "if [ -e " + quote(p.aside()) + " ]; then if [ -f " + quote(p.dir() + "/postmaster.pid") + " ]; then "
                        + p.program("pg_ctl") + " -D " + quote(p.dir()) + " -m immediate -w stop >/dev/null 2>&1; fi; rm -rf "
                        + quote(p.dir()) + " && mv " + quote(p.aside()) + " " + quote(p.dir()) + "; fi", STOP_LIMIT);
        return new RecoveryPlan(s.target().id(), describe(s.target()), describe(s.source()) + ", the primary",
                RecoveryMethod.BASEBACKUP, reasons, steps, List.of(restore), Optional.empty(), Optional.of(p.aside()));
    }

    private static RecoveryPlan rewind(RecoverySettings s, Paths p, RecoveryFacts.TargetData target, List<String> reasons,
                                       Optional<RecoveryPlan> fallback) {
        SshSettings ssh = s.targetSsh();
        List<PlanStep> steps = new ArrayList<>();
        slot(s).ifPresent(steps::add);
        steps.add(stopIfRunning(s, p));
        if (!target.clusterState().equals("shut down") && !target.clusterState().equals("shut down in recovery")) {
            // pg_rewind needs a cleanly shut down target; its own crash recovery is skipped by --dry-run.
            steps.add(remote("finish crash recovery of the node in single-user mode (it was not shut down cleanly)", ssh,
                    p.program("postgres") + " --single -F -c archive_mode=off -D " + quote(p.dir()) + " template1 < /dev/null",
                    COPY_LIMIT));
        }
        steps.add(new PlanStep.Sql("checkpoint on the primary (pg_rewind reads its current timeline from pg_control)",
                s.sourceSql(), List.of("CHECKPOINT"), SHORT_LIMIT));
        steps.add(remote("save the node's own configuration files", ssh,
                "rm -rf " + quote(p.savedConfig()) + " && mkdir " + quote(p.savedConfig()) + " && cp -p " + quote(p.dir())
                        + "/*.conf " + quote(p.savedConfig()) + "/", SHORT_LIMIT));
        String source = conninfo(s, s.sourceSql().user(), true);
        String rewind = passwordPrefix(s.sourceSql().password()) + p.program("pg_rewind") + " -D " + quote(p.dir())
                + " --source-server=" + quote(source);
        steps.add(new PlanStep.Remote("check that pg_rewind can rewind (dry run, changes nothing)", ssh,
                rewind + " --dry-run", stdinFor(s.sourceSql().password()), shownStdin(s.sourceSql().password()),
                COPY_LIMIT, true));
        steps.add(new PlanStep.Remote("rewind the node to the primary's timeline with pg_rewind", ssh, rewind + " -P",
                stdinFor(s.sourceSql().password()), shownStdin(s.sourceSql().password()), COPY_LIMIT, true));
        steps.add(remote("put the node's own configuration files back", ssh,
                "cp -p " + quote(p.savedConfig()) + "/*.conf " + quote(p.dir()) + "/ && rm -rf " + quote(p.savedConfig()),
                SHORT_LIMIT));
        steps.add(configureStandby(s, p));
        steps.add(start(s, p));
        steps.add(awaitStreaming(s));
        steps.add(new PlanStep.Attach("attach node " + s.target().id(), s.target().id(), SHORT_LIMIT));
        PlanStep restoreConfig = remote("put the node's own configuration files back", ssh,
                "if [ -d " + quote(p.savedConfig()) + " ]; then if [ -f " + quote(p.dir() + "/postmaster.pid") + " ]; then "
                        + p.program("pg_ctl") + " -D " + quote(p.dir()) + " -m immediate -w stop >/dev/null 2>&1; fi; cp -p "
                        + quote(p.savedConfig()) + "/*.conf " + quote(p.dir()) + "/ && rm -rf " + quote(p.savedConfig()) + "; fi",
                STOP_LIMIT);
        return new RecoveryPlan(s.target().id(), describe(s.target()), describe(s.source()) + ", the primary",
                RecoveryMethod.REWIND, reasons, steps, List.of(restoreConfig), fallback, Optional.empty());
    }

    private static Optional<PlanStep> slot(RecoverySettings s) {
        return s.slotName().map(slot -> new PlanStep.Sql("create the replication slot " + slot + " on the primary",
                s.sourceSql(), List.of("SELECT pg_create_physical_replication_slot(" + literal(slot) + ") WHERE NOT EXISTS "
                        + "(SELECT 1 FROM pg_replication_slots WHERE slot_name = " + literal(slot) + ")"), SHORT_LIMIT));
    }

    private static PlanStep stopIfRunning(RecoverySettings s, Paths p) {
        return remote("stop the node's server if it is still running", s.targetSsh(),
                "if [ -f " + quote(p.dir() + "/postmaster.pid") + " ] && " + p.program("pg_ctl") + " -D " + quote(p.dir())
                        + " status >/dev/null 2>&1; then " + p.program("pg_ctl") + " -D " + quote(p.dir())
                        + " -m fast -w -t " + (STOP_LIMIT.toSeconds() - 10) + " stop; else echo 'the server is not running'; fi",
                STOP_LIMIT);
    }

    private static PlanStep configureStandby(RecoverySettings s, Paths p) {
        String header = "# added by Tidepool's online recovery: node " + s.target().id() + " streams from node "
                + s.source().id() + "\n";
        String port = "port = " + s.target().port() + "\n";
        String slot = s.slotName().map(name -> "primary_slot_name = " + gucLiteral(name) + "\n").orElse("");
        String lines = header + port + "primary_conninfo = "
                + gucLiteral(conninfo(s, s.replicationUser(), false) + passwordPart(s.replicationPassword())) + "\n" + slot;
        String shown = header + port + "primary_conninfo = "
                + gucLiteral(conninfo(s, s.replicationUser(), false) + (s.replicationPassword().isEmpty() ? "" : " password=*****"))
                + "\n" + slot;
        return new PlanStep.Remote("make the node a standby of node " + s.source().id(), s.targetSsh(),
                "cat >> " + quote(p.dir() + "/postgresql.auto.conf") + " && touch " + quote(p.dir() + "/standby.signal")
                        + " && rm -f " + quote(p.dir() + "/recovery.signal"), lines, shown, SHORT_LIMIT, true);
    }

    private static PlanStep start(RecoverySettings s, Paths p) {
        long seconds = Math.max(10, s.recoveryTimeout().toSeconds());
        return remote("start the node's server", s.targetSsh(),
                p.program("pg_ctl") + " -D " + quote(p.dir()) + " -l " + quote(p.startLog()) + " -w -t " + seconds
                        + " start || { status=$?; tail -n 20 " + quote(p.startLog()) + "; exit $status; }",
                Duration.ofSeconds(seconds + 30));
    }

    private static PlanStep awaitStreaming(RecoverySettings s) {
        return new PlanStep.AwaitStreaming("wait until the node streams from the primary", s.sourceSql(),
                s.applicationName(), s.recoveryTimeout().isZero() ? Duration.ofSeconds(90) : s.recoveryTimeout());
    }

    // ---------------------------------------------------------------- scripts

    private static RecoveryPlan scripts(RecoverySettings s, RecoveryFacts facts) throws RecoveryException {
        BackendDefinition t = s.target();
        BackendDefinition src = s.source();
        String targetHost = RecoverySettings.normalizedHost(t.hostname());
        String sourceHost = RecoverySettings.normalizedHost(src.hostname());
        boolean nativeMode = !s.mode().hasPrimary();
        Duration limit = s.recoveryTimeout().isZero() ? Duration.ofSeconds(90) : s.recoveryTimeout();
        String sourceData = facts.sourceDataDirectory().isEmpty() ? src.dataDirectory() : facts.sourceDataDirectory();
        if (!facts.pgpoolRecoveryInstalled() && sourceData.isEmpty()) {
            throw RecoveryException.refused("node recovery failed: the data directory of node " + src.id() + " is unknown",
                    "set backend_data_directory" + src.id() + ", or install the pgpool_recovery extension");
        }
        List<PlanStep> steps = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        reasons.add("recovery_1st_stage_command is set (" + s.firstStage() + ")");
        reasons.add(facts.pgpoolRecoveryInstalled()
                ? "the pgpool_recovery extension is installed on node " + src.id() + ": the scripts run through it"
                : "the pgpool_recovery extension is not installed on node " + src.id()
                        + ": the scripts run over ssh on its host, with the same arguments");
        if (nativeMode) {
            steps.add(new PlanStep.Sql("checkpoint on node " + src.id(), s.sourceSql(), List.of("CHECKPOINT"), SHORT_LIMIT));
        }
        steps.add(stage("run recovery_1st_stage_command", s, facts, s.firstStage(), sourceData, targetHost, sourceHost));
        if (nativeMode) {
            steps.add(new PlanStep.DrainSessions("wait until every client session has ended (new ones wait)", limit,
                    s.idleLimit().isZero() ? Optional.empty() : Optional.of(s.idleLimit())));
            steps.add(new PlanStep.Sql("checkpoint on node " + src.id(), s.sourceSql(), List.of("CHECKPOINT"), SHORT_LIMIT));
            if (!s.secondStage().isEmpty()) {
                steps.add(stage("run recovery_2nd_stage_command", s, facts, s.secondStage(), sourceData, targetHost, sourceHost));
            }
        }
        if (facts.pgpoolRecoveryInstalled()) {
            steps.add(new PlanStep.Sql("start the node with pgpool_remote_start", s.sourceSql(),
                    List.of("SELECT pgpool_remote_start(" + literal(targetHost) + ", " + literal(t.dataDirectory()) + ")"), limit));
        } else {
            steps.add(remote("start the node with pgpool_remote_start", s.sourceSsh(),
                    quote(sourceData + "/pgpool_remote_start") + " " + quote(targetHost) + " " + quote(t.dataDirectory()), limit));
        }
        steps.add(new PlanStep.AwaitAccepting("wait until node " + t.id() + " accepts connections", s.targetSql(), limit));
        if (!t.applicationName().isEmpty() && s.mode().hasPrimary()) {
            steps.add(awaitStreaming(s));
        }
        steps.add(new PlanStep.Attach("attach node " + t.id(), t.id(), SHORT_LIMIT));
        return new RecoveryPlan(t.id(), describe(t), describe(src) + (nativeMode ? ", the main node" : ", the primary"),
                RecoveryMethod.SCRIPTS, reasons, steps, List.of(), Optional.empty(), Optional.empty());
    }

    /** One script stage, with the arguments pgpool-II passes (spec 3.3: $1 source PGDATA ... $7 source host). */
    private static PlanStep stage(String title, RecoverySettings s, RecoveryFacts facts, String script, String sourceData,
                                  String targetHost, String sourceHost) {
        BackendDefinition t = s.target();
        if (facts.pgpoolRecoveryInstalled()) {
            return new PlanStep.Sql(title, s.sourceSql(), List.of("SET statement_timeout To 0",
                    "SELECT pgpool_recovery(" + literal(script) + ", " + literal(targetHost) + ", " + literal(t.dataDirectory())
                            + ", " + literal(Integer.toString(s.source().port())) + ", " + t.id() + ", "
                            + literal(Integer.toString(t.port())) + ", " + literal(sourceHost) + ")"), SCRIPT_LIMIT);
        }
        String command = "cd " + quote(sourceData) + " && " + quote(sourceData + "/" + script) + " " + quote(sourceData) + " "
                + quote(targetHost) + " " + quote(t.dataDirectory()) + " " + quote(Integer.toString(s.source().port())) + " "
                + t.id() + " " + quote(Integer.toString(t.port())) + " " + quote(sourceHost);
        return remote(title, s.sourceSsh(), command, SCRIPT_LIMIT);
    }

    // ---------------------------------------------------------------- text

    private static PlanStep remote(String title, SshSettings ssh, String command, Duration limit) {
        return new PlanStep.Remote(title, ssh, command, "", "", limit, true);
    }

    /**
     * The libpq connection string to the source, without password: the standby's primary_conninfo
     * (replication user, application_name) or pg_rewind's source (recovery user, dbname).
     */
    static String conninfo(RecoverySettings s, String user, boolean forRewind) {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("host", RecoverySettings.normalizedHost(s.source().hostname()));
        parts.put("port", Integer.toString(s.source().port()));
        parts.put("user", user);
        if (forRewind) {
            parts.put("dbname", s.sourceSql().database());
        } else {
            parts.put("application_name", s.applicationName());
        }
        StringBuilder text = new StringBuilder();
        parts.forEach((k, v) -> text.append(text.length() == 0 ? "" : " ").append(k).append('=').append(conninfoValue(v)));
        return text.toString();
    }

    private static String passwordPart(String password) {
        return password.isEmpty() ? "" : " password=" + conninfoValue(password);
    }

    /** A libpq keyword value: bare when plain, else single-quoted with {@code \} and {@code '} escaped. */
    static String conninfoValue(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(c -> c == ' ' || c == '\'' || c == '\\' || c == '=')) {
            return value;
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** A string value in postgresql.conf syntax. */
    static String gucLiteral(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** A SQL string literal (standard_conforming_strings on). */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Reads the password from standard input into PGPASSWORD, so it never appears on a command line. */
    private static String passwordPrefix(String password) {
        return password.isEmpty() ? "" : "IFS= read -r PGPASSWORD && export PGPASSWORD && ";
    }

    private static String stdinFor(String password) {
        return password.isEmpty() ? "" : password + "\n";
    }

    private static String shownStdin(String password) {
        return password.isEmpty() ? "" : "(the password, for PGPASSWORD)";
    }

    static String describe(BackendDefinition node) {
        return "node " + node.id() + " (" + node.hostname() + ":" + node.port()
                + (node.dataDirectory().isEmpty() ? "" : ", data directory " + node.dataDirectory()) + ")";
    }
}
