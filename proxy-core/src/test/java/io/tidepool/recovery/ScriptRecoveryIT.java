package io.tidepool.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.cluster.NodeStatus;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.harness.TestSshd;
import io.tidepool.ops.Cancellation;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.ops.local.ServerUser;
import io.tidepool.ops.ssh.OutputListener;
import io.tidepool.ops.ssh.SshConnection;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pgpool-II-style recovery with our own {@code assets/scripts}: recovery_1st_stage and
 * pgpool_remote_start installed in the primary's data directory, run over SSH (no extension) or
 * through the pgpool_recovery extension; the scripts themselves reach the target over ssh.
 */
class ScriptRecoveryIT {

    private static final Path SCRIPTS = Path.of("..", "assets", "scripts").toAbsolutePath().normalize();

    @RegisterExtension
    final PgClusterExtension pg = PgClusterExtension.fresh(1);

    private static TestSshd sshd;
    private static Path scriptSsh;

    @BeforeAll
    static void startSshd() throws Exception {
        sshd = TestSshd.start();
        sshd.trustHostKey();
        scriptSsh = sshd.clientFilesForServerUser();
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @BeforeEach
    void installScriptsInThePrimary() throws Exception {
        String data = pg.primary().dataDirectory().toString();
        String env = "SSH_OPTIONS=\"-p " + sshd.port() + " -i " + scriptSsh.resolve("id_ed25519") + " -o UserKnownHostsFile="
                + scriptSsh.resolve("known_hosts") + "\"\n"
                + "REPLICATION_USER=" + pg.cluster().replicationUser() + "\n"
                + "REPLICATION_PASSWORD=" + pg.cluster().replicationPassword() + "\n"
                + "APPLICATION_NAME_PREFIX=node\n";
        try (SshConnection ssh = SshConnection.open(sshd.settings())) {
            for (String script : List.of("recovery_1st_stage", "pgpool_remote_start")) {
                ssh.upload(SCRIPTS.resolve(script), data + "/" + script, 0755, Duration.ofSeconds(30), Cancellation.none());
            }
            ssh.upload(env.getBytes(), data + "/recovery_scripts.env", 0644, Duration.ofSeconds(30), Cancellation.none());
        }
    }

    private TestRecoveryCluster proxyView(String firstStage) {
        Map<String, String> values = RecoveryConfigs.settings(pg.cluster(), sshd);
        values.put("recovery_1st_stage_command", firstStage);
        TestRecoveryCluster proxy = new TestRecoveryCluster(RecoveryConfigs.config(values), 0);
        proxy.status(1, NodeStatus.DOWN);
        return proxy;
    }

    @Test
    void scriptsRunOverSshOnThePrimaryHostWithoutTheExtension() throws Exception {
        LocalNode standby = pg.standby(1);
        standby.stop();
        pg.primary().execute("create table while_away (id int)");
        TestRecoveryCluster proxy = proxyView("recovery_1st_stage");
        List<String> lines = new CopyOnWriteArrayList<>();

        try (OnlineRecovery recovery = new OnlineRecovery(proxy)) {
            RecoveryPlan plan = recovery.plan(1);
            assertThat(plan.method()).isEqualTo(RecoveryMethod.SCRIPTS);
            assertThat(plan.reasons()).anyMatch(r -> r.contains("not installed"));
            assertThat(plan.steps().get(0)).isInstanceOfSatisfying(PlanStep.Remote.class, step -> assertThat(step.command())
                    .isEqualTo("cd " + pg.primary().dataDirectory() + " && " + pg.primary().dataDirectory()
                            + "/recovery_1st_stage " + pg.primary().dataDirectory() + " 127.0.0.1 " + standby.dataDirectory()
                            + " " + pg.primary().port() + " 1 " + standby.port() + " 127.0.0.1"));

            recovery.recover(1, collect(lines), Cancellation.none());
        }

        assertStreamingAndAttached(proxy, standby);
        assertThat(lines).contains("node data directory " + standby.dataDirectory() + " is ready as a standby");
        assertThat(standby.queryValue("select count(*) from pg_class where relname = 'while_away'")).contains("1");
    }

    @Test
    void scriptsRunThroughThePgpoolRecoveryExtensionWhenItIsInstalled() throws Exception {
        pg.primary().execute("CREATE EXTENSION pgpool_recovery");
        LocalNode standby = pg.standby(1);
        standby.stop();
        TestRecoveryCluster proxy = proxyView("recovery_1st_stage");

        try (OnlineRecovery recovery = new OnlineRecovery(proxy)) {
            RecoveryPlan plan = recovery.recover(1, RecoveryListener.none(), Cancellation.none());

            assertThat(plan.steps().get(0)).isInstanceOfSatisfying(PlanStep.Sql.class, step -> assertThat(step.statements())
                    .containsExactly("SET statement_timeout To 0", "SELECT pgpool_recovery('recovery_1st_stage', '127.0.0.1', '"
                            + standby.dataDirectory() + "', '" + pg.primary().port() + "', 1, '" + standby.port()
                            + "', '127.0.0.1')"));
            assertThat(plan.steps().get(1)).isInstanceOfSatisfying(PlanStep.Sql.class, step -> assertThat(step.statements())
                    .containsExactly("SELECT pgpool_remote_start('127.0.0.1', '" + standby.dataDirectory() + "')"));
        }
        assertStreamingAndAttached(proxy, standby);
    }

    @Test
    void failingScriptNamesTheStepItsExitStatusAndItsLastLines() throws Exception {
        LocalNode standby = pg.standby(1);
        standby.stop();
        TestRecoveryCluster proxy = proxyView("no_such_script");

        try (OnlineRecovery recovery = new OnlineRecovery(proxy)) {
            assertThatThrownBy(() -> recovery.recover(1, RecoveryListener.none(), Cancellation.none()))
                    .isInstanceOfSatisfying(RecoveryException.class, e -> {
                        assertThat(e.getMessage()).contains("step 1 of").contains("run recovery_1st_stage_command")
                                .contains("exit status 127");
                        assertThat(e.exitStatus()).hasValue(127);
                        assertThat(String.join("\n", e.lastLines())).contains("no_such_script");
                    });
        }
        assertThat(proxy.status(1)).isEqualTo(NodeStatus.DOWN);
    }

    private void assertStreamingAndAttached(TestRecoveryCluster proxy, LocalNode standby) {
        assertThat(standby.isRunning()).isTrue();
        assertThat(standby.isInRecovery()).isTrue();
        pg.cluster().awaitStreaming(pg.primary(), List.of(standby));
        assertThat(proxy.status(1)).isEqualTo(NodeStatus.UP);
        assertThat(standby.queryValue("show port")).contains(Integer.toString(standby.port()));
        List<RecoveryEvent.Kind> kinds = proxy.kinds();
        assertThat(kinds.get(kinds.size() - 1)).isEqualTo(RecoveryEvent.Kind.RECOVERY_SUCCEEDED);
    }

    private static RecoveryListener collect(List<String> lines) {
        return new RecoveryListener() {
            @Override
            public void output(PlanStep step, OutputListener.Stream stream, String line) {
                lines.add(line);
            }
        };
    }
}
