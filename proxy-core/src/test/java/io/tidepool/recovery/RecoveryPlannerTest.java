package io.tidepool.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.cluster.ClusteringMode;
import io.tidepool.config.BackendDefinition;
import io.tidepool.config.BackendFlag;
import io.tidepool.ops.ssh.SshCredentials;
import io.tidepool.ops.ssh.SshEndpoint;
import io.tidepool.ops.ssh.SshSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RecoveryPlannerTest {

    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private static final String DIR = "/var/lib/postgresql/15/main";
    private static final String BIN = "/usr/lib/postgresql/15/bin";
    private static final BackendDefinition PRIMARY = new BackendDefinition(0, "db0", 5432, 1, DIR, BackendFlag.DEFAULT, "server0");
    private static final BackendDefinition TARGET = new BackendDefinition(1, "db1", 5433, 1, DIR, BackendFlag.DEFAULT, "server1");

    private static SshSettings ssh(String host) {
        return SshSettings.of(new SshEndpoint(host, 22, "postgres"), SshCredentials.key(Path.of("/keys/id")),
                Path.of("/keys/known_hosts"));
    }

    private static RecoverySettings settings(String method, Optional<String> slot, String firstStage, ClusteringMode mode) {
        return new RecoverySettings(mode, TARGET, PRIMARY, ssh("db1"), ssh("db0"),
                new SqlTarget("db0", 5432, "postgres", "postgres", "s3cret"),
                new SqlTarget("db1", 5433, "postgres", "postgres", "s3cret"),
                "replicator", "r3pl'pass", "server1", slot, "", method, firstStage, "second_stage",
                Duration.ofSeconds(90), Duration.ZERO, "");
    }

    private static RecoverySettings builtIn(String method) {
        return settings(method, Optional.empty(), "", ClusteringMode.STREAMING_REPLICATION);
    }

    private static RecoveryFacts facts(RecoveryFacts.TargetData target) {
        return new RecoveryFacts(BIN, DIR, "7300000000000000001", false, Optional.of(target));
    }

    private static RecoveryFacts.TargetData target(boolean hints, boolean checksums, String systemId, String state) {
        return new RecoveryFacts.TargetData(true, true, hints, checksums, systemId, state);
    }

    private static final RecoveryFacts.TargetData REWINDABLE = target(true, false, "7300000000000000001", "shut down");

    private static List<String> titles(List<PlanStep> steps) {
        return steps.stream().map(PlanStep::title).toList();
    }

    @Test
    void rewindableOldPrimaryIsRewoundWithBasebackupAsFallback() throws Exception {
        RecoveryPlan plan = RecoveryPlanner.plan(builtIn("auto"), facts(REWINDABLE), NOW);

        assertThat(plan.method()).isEqualTo(RecoveryMethod.REWIND);
        assertThat(titles(plan.steps())).containsExactly(
                "stop the node's server if it is still running",
                "checkpoint on the primary (pg_rewind reads its current timeline from pg_control)",
                "save the node's own configuration files",
                "check that pg_rewind can rewind (dry run, changes nothing)",
                "rewind the node to the primary's timeline with pg_rewind",
                "put the node's own configuration files back",
                "make the node a standby of node 0",
                "start the node's server",
                "wait until the node streams from the primary",
                "attach node 1");
        assertThat(plan.fallback()).map(RecoveryPlan::method).contains(RecoveryMethod.BASEBACKUP);
        PlanStep.Remote rewind = (PlanStep.Remote) plan.steps().get(4);
        assertThat(rewind.command()).isEqualTo("IFS= read -r PGPASSWORD && export PGPASSWORD && " + BIN + "/pg_rewind -D " + DIR
                + " --source-server='host=db0 port=5432 user=postgres dbname=postgres' -P");
        assertThat(rewind.stdin()).isEqualTo("s3cret\n");
        assertThat(rewind.where()).isEqualTo("ssh postgres@db1");
    }

    @Test
    void killedTargetGetsCrashRecoveryBeforeTheRewindDryRun() throws Exception {
        RecoveryPlan plan = RecoveryPlanner.plan(builtIn("auto"),
                facts(target(true, false, "7300000000000000001", "in production")), NOW);

        assertThat(titles(plan.steps()).get(1)).startsWith("finish crash recovery of the node in single-user mode");
        assertThat(((PlanStep.Remote) plan.steps().get(1)).command())
                .isEqualTo(BIN + "/postgres --single -F -c archive_mode=off -D " + DIR + " template1 < /dev/null");
    }

    @Test
    void basebackupWhenRewindIsImpossible() throws Exception {
        assertThat(RecoveryPlanner.plan(builtIn("auto"), facts(RecoveryFacts.TargetData.missing()), NOW).reasons())
                .containsExactly("the node's data directory does not exist");
        assertThat(RecoveryPlanner.plan(builtIn("auto"), facts(target(false, false, "7300000000000000001", "shut down")), NOW)
                .reasons()).containsExactly("the node ran without wal_log_hints and without data checksums, which pg_rewind needs");
        RecoveryPlan otherCluster = RecoveryPlanner.plan(builtIn("auto"), facts(target(true, true, "42", "shut down")), NOW);
        assertThat(otherCluster.method()).isEqualTo(RecoveryMethod.BASEBACKUP);
        assertThat(otherCluster.reasons()).singleElement().asString().contains("belongs to another cluster");
        assertThat(RecoveryPlanner.plan(builtIn("auto"), facts(target(false, true, "7300000000000000001", "shut down")), NOW)
                .method()).as("checksums are enough").isEqualTo(RecoveryMethod.REWIND);
    }

    @Test
    void basebackupPlanMovesTheOldDirectoryAsideAndPutsItBackOnFailure() throws Exception {
        RecoveryPlan plan = RecoveryPlanner.plan(builtIn("basebackup"), facts(REWINDABLE), NOW);

        String aside = DIR + ".before-recovery-20261121T093000Z";
        assertThat(plan.keptAside()).contains(aside);
        assertThat(titles(plan.steps())).containsExactly(
                "stop the node's server if it is still running",
                "move the old data directory aside",
                "copy the primary with pg_basebackup",
                "keep the node's own configuration files",
                "make the node a standby of node 0",
                "start the node's server",
                "wait until the node streams from the primary",
                "attach node 1",
                "remove the old data directory");
        assertThat(((PlanStep.Remote) plan.steps().get(1)).command()).isEqualTo("mkdir -p /var/lib/postgresql/15 && if [ -e "
                + DIR + " ]; then mv " + DIR + " " + aside + "; else echo 'no old data directory'; fi");
        assertThat(((PlanStep.Remote) plan.steps().get(2)).command()).isEqualTo(
                "IFS= read -r PGPASSWORD && export PGPASSWORD && " + BIN + "/pg_basebackup -D " + DIR
                        + " -d 'host=db0 port=5432 user=replicator application_name=server1' -X stream -c fast -P -v");
        assertThat(plan.steps().get(8).required()).isFalse();
        assertThat(titles(plan.onFailure())).containsExactly("put the old data directory back");
        assertThat(((PlanStep.Remote) plan.onFailure().get(0)).command()).contains("rm -rf " + DIR + " && mv " + aside + " " + DIR);
    }

    @Test
    void standbySettingsCarryPortConninfoAndSlotWithThePasswordOnlyInStandardInput() throws Exception {
        RecoverySettings withSlot = settings("basebackup", Optional.of("server1"), "", ClusteringMode.STREAMING_REPLICATION);
        RecoveryPlan plan = RecoveryPlanner.plan(withSlot, facts(REWINDABLE), NOW);

        assertThat(plan.steps().get(0)).isInstanceOfSatisfying(PlanStep.Sql.class, sql -> assertThat(sql.statements())
                .containsExactly("SELECT pg_create_physical_replication_slot('server1') WHERE NOT EXISTS "
                        + "(SELECT 1 FROM pg_replication_slots WHERE slot_name = 'server1')"));
        assertThat(((PlanStep.Remote) plan.steps().get(3)).command()).endsWith(" -S server1");
        PlanStep.Remote standby = (PlanStep.Remote) plan.steps().get(5);
        assertThat(standby.command()).isEqualTo("cat >> " + DIR + "/postgresql.auto.conf && touch " + DIR
                + "/standby.signal && rm -f " + DIR + "/recovery.signal");
        assertThat(standby.stdin()).isEqualTo("# added by Tidepool's online recovery: node 1 streams from node 0\n"
                + "port = 5433\n"
                + "primary_conninfo = 'host=db0 port=5432 user=replicator application_name=server1 password=''r3pl\\\\''pass'''\n"
                + "primary_slot_name = 'server1'\n");
        assertThat(plan.render()).doesNotContain("r3pl").doesNotContain("s3cret").contains("password=*****");
    }

    @Test
    void forcedRewindIsRefusedWhenImpossible() {
        assertThatThrownBy(() -> RecoveryPlanner.plan(builtIn("rewind"), facts(RecoveryFacts.TargetData.missing()), NOW))
                .isInstanceOf(RecoveryException.class).hasMessageContaining("pg_rewind is impossible for node 1");
    }

    @Test
    void forcedRewindHasNoFallback() throws Exception {
        assertThat(RecoveryPlanner.plan(builtIn("rewind"), facts(REWINDABLE), NOW).fallback()).isEmpty();
    }

    @Test
    void scriptsRunThroughTheExtensionWithPgpoolsArguments() throws Exception {
        RecoverySettings scripts = settings("auto", Optional.empty(), "recovery_1st_stage", ClusteringMode.STREAMING_REPLICATION);
        RecoveryFacts extension = new RecoveryFacts(BIN, DIR, "1", true, Optional.empty());

        RecoveryPlan plan = RecoveryPlanner.plan(scripts, extension, NOW);

        assertThat(plan.method()).isEqualTo(RecoveryMethod.SCRIPTS);
        assertThat(((PlanStep.Sql) plan.steps().get(0)).statements()).containsExactly("SET statement_timeout To 0",
                "SELECT pgpool_recovery('recovery_1st_stage', 'db1', '" + DIR + "', '5432', 1, '5433', 'db0')");
        assertThat(((PlanStep.Sql) plan.steps().get(1)).statements())
                .containsExactly("SELECT pgpool_remote_start('db1', '" + DIR + "')");
        assertThat(titles(plan.steps())).containsExactly("run recovery_1st_stage_command", "start the node with pgpool_remote_start",
                "wait until node 1 accepts connections", "wait until the node streams from the primary", "attach node 1");
    }

    @Test
    void scriptsRunOverSshOnTheSourceHostWithoutTheExtension() throws Exception {
        RecoverySettings scripts = settings("auto", Optional.empty(), "recovery_1st_stage", ClusteringMode.STREAMING_REPLICATION);
        RecoveryFacts noExtension = new RecoveryFacts(BIN, "/data/primary", "1", false, Optional.empty());

        RecoveryPlan plan = RecoveryPlanner.plan(scripts, noExtension, NOW);

        PlanStep.Remote first = (PlanStep.Remote) plan.steps().get(0);
        assertThat(first.where()).isEqualTo("ssh postgres@db0");
        assertThat(first.command()).isEqualTo("cd /data/primary && /data/primary/recovery_1st_stage /data/primary db1 " + DIR
                + " 5432 1 5433 db0");
        assertThat(((PlanStep.Remote) plan.steps().get(1)).command()).isEqualTo("/data/primary/pgpool_remote_start db1 " + DIR);
    }

    @Test
    void nativeReplicationRunsBothStagesAroundDrainedSessions() throws Exception {
        RecoverySettings scripts = settings("auto", Optional.empty(), "first_stage", ClusteringMode.NATIVE_REPLICATION);

        RecoveryPlan plan = RecoveryPlanner.plan(scripts, new RecoveryFacts(BIN, DIR, "1", true, Optional.empty()), NOW);

        assertThat(titles(plan.steps())).containsExactly("checkpoint on node 0", "run recovery_1st_stage_command",
                "wait until every client session has ended (new ones wait)", "checkpoint on node 0",
                "run recovery_2nd_stage_command", "start the node with pgpool_remote_start",
                "wait until node 1 accepts connections", "attach node 1");
    }

    @Test
    void clientIdleLimitInRecoveryReachesTheDrainStepAndTheDryRun() throws Exception {
        RecoverySettings s = settings("auto", Optional.empty(), "first_stage", ClusteringMode.NATIVE_REPLICATION);
        RecoveryFacts facts = new RecoveryFacts(BIN, DIR, "1", true, Optional.empty());
        for (long seconds : new long[] {-1, 0, 30}) {
            RecoverySettings withLimit = new RecoverySettings(s.mode(), s.target(), s.source(), s.targetSsh(), s.sourceSsh(),
                    s.sourceSql(), s.targetSql(), s.replicationUser(), s.replicationPassword(), s.applicationName(),
                    s.slotName(), s.targetBinDir(), s.method(), s.firstStage(), s.secondStage(), s.recoveryTimeout(),
                    Duration.ofSeconds(seconds), s.basebackupOptions());

            RecoveryPlan plan = RecoveryPlanner.plan(withLimit, facts, NOW);

            PlanStep.DrainSessions drain = plan.steps().stream().filter(PlanStep.DrainSessions.class::isInstance)
                    .map(PlanStep.DrainSessions.class::cast).findFirst().orElseThrow();
            assertThat(drain.timeout()).isEqualTo(Duration.ofSeconds(90));
            if (seconds == 0) {
                assertThat(drain.idleLimit()).isEmpty();
                assertThat(plan.render()).contains("idle sessions are left to end");
            } else {
                assertThat(drain.idleLimit()).contains(Duration.ofSeconds(seconds));
                assertThat(plan.render()).contains(seconds < 0 ? "idle sessions are ended at once"
                        : "sessions idle for 30 s are ended");
            }
        }
    }

    @Test
    void builtInRecoveryNeedsStreamingReplication() {
        assertThatThrownBy(() -> RecoveryPlanner.plan(settings("auto", Optional.empty(), "", ClusteringMode.NATIVE_REPLICATION),
                facts(REWINDABLE), NOW)).isInstanceOf(RecoveryException.class)
                .hasMessageContaining("works in streaming replication mode");
    }

    @Test
    void missingDataDirectoryOrProgramsAreNamed() {
        BackendDefinition noDir = new BackendDefinition(1, "db1", 5433, 1, "", BackendFlag.DEFAULT, "");
        RecoverySettings s = builtIn("auto");
        RecoverySettings withoutDir = new RecoverySettings(s.mode(), noDir, PRIMARY, s.targetSsh(), s.sourceSsh(), s.sourceSql(),
                s.targetSql(), "r", "", "tidepool_node1", Optional.empty(), "", "auto", "", "", Duration.ofSeconds(90),
                Duration.ZERO, "");
        assertThatThrownBy(() -> RecoveryPlanner.plan(withoutDir, facts(REWINDABLE), NOW))
                .hasMessageContaining("backend_data_directory1 is not set");
        RecoveryFacts noBin = new RecoveryFacts("", DIR, "7300000000000000001", false, Optional.of(REWINDABLE));
        assertThatThrownBy(() -> RecoveryPlanner.plan(builtIn("auto"), noBin, NOW)).isInstanceOf(RecoveryException.class)
                .satisfies(e -> assertThat(((RecoveryException) e).detail()).contains("set pg_bin_dir1"));
    }

    @Test
    void renderedPlanNumbersStepsAndSaysWhereEachRuns() throws Exception {
        String text = RecoveryPlanner.plan(builtIn("basebackup"), facts(REWINDABLE), NOW).render();

        assertThat(text).startsWith("online recovery of node 1 (db1:5433, data directory " + DIR + ")\n"
                + "  method: pg_basebackup from node 0 (db0:5432, data directory " + DIR + "), the primary\n"
                + "  because recovery_method is basebackup\n");
        assertThat(text).contains("   3. copy the primary with pg_basebackup  [ssh postgres@db1, limit 21600 s]\n")
                .contains("   7. wait until the node streams from the primary  [sql postgres@db0:5432/postgres, limit 90 s]\n")
                .contains("   9. remove the old data directory (clean-up)")
                .contains("  if a step fails:\n     1. put the old data directory back");
    }

    @Test
    void conninfoValuesAndSettingStringsAreQuoted() {
        assertThat(RecoveryPlanner.conninfoValue("plain")).isEqualTo("plain");
        assertThat(RecoveryPlanner.conninfoValue("two words")).isEqualTo("'two words'");
        assertThat(RecoveryPlanner.conninfoValue("it's")).isEqualTo("'it\\'s'");
        assertThat(RecoveryPlanner.gucLiteral("a'b\\c")).isEqualTo("'a''b\\\\c'");
    }

    @Test
    void controlDataIsParsed() {
        RecoveryFacts.TargetData data = RecoveryFacts.TargetData.parse("""
                pg_control version number:            1300
                Database system identifier:           7300000000000000001
                Database cluster state:               shut down in recovery
                wal_log_hints setting:                on
                Data page checksum version:           0
                """);
        assertThat(data).isEqualTo(new RecoveryFacts.TargetData(true, true, true, false, "7300000000000000001",
                "shut down in recovery"));
        assertThat(RecoveryFacts.TargetData.parse("tidepool-probe: no data directory\n").exists()).isFalse();
        assertThat(RecoveryFacts.TargetData.parse("tidepool-probe: no control file\n").hasControlFile()).isFalse();
    }
}
