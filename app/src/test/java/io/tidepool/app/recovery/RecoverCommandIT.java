package io.tidepool.app.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.app.TidepoolCli;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.harness.TestSshd;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tidepool recover} on a real cluster through a real sshd whose host key starts out unknown. */
class RecoverCommandIT {

    @RegisterExtension
    final PgClusterExtension pg = PgClusterExtension.fresh(1);

    @TempDir
    Path dir;

    private static TestSshd sshd;

    @BeforeAll
    static void startSshd() {
        sshd = TestSshd.start();
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run recover(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TidepoolCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "recover";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cli.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    private Path writeConfig() throws Exception {
        LocalCluster cluster = pg.cluster();
        StringBuilder pgpool = new StringBuilder("backend_clustering_mode = 'streaming_replication'\n");
        List<LocalNode> nodes = cluster.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            pgpool.append("backend_hostname").append(i).append(" = '127.0.0.1'\n")
                    .append("backend_port").append(i).append(" = ").append(nodes.get(i).port()).append('\n')
                    .append("backend_data_directory").append(i).append(" = '").append(nodes.get(i).dataDirectory()).append("'\n")
                    .append("backend_application_name").append(i).append(" = '").append(nodes.get(i).name()).append("'\n");
        }
        pgpool.append("recovery_user = '").append(cluster.superuser()).append("'\n")
                .append("recovery_password = '").append(cluster.superuserPassword()).append("'\n")
                .append("recovery_timeout = 60\n");
        Files.writeString(dir.resolve("pgpool.conf"), pgpool);
        Files.writeString(dir.resolve("tidepool.conf"), "ssh_port = " + sshd.port() + "\n"
                + "ssh_user = '" + sshd.user() + "'\n"
                + "ssh_identity_file = '" + sshd.clientKey() + "'\n"
                + "ssh_known_hosts_file = 'known_hosts'\n"
                + "recovery_replication_user = '" + cluster.replicationUser() + "'\n"
                + "recovery_replication_password = '" + cluster.replicationPassword() + "'\n");
        return dir.resolve("pgpool.conf");
    }

    @Test
    void unknownHostKeyStopsTheDryRunUntilItsFingerprintIsTrustedThenTheNodeIsRecovered() throws Exception {
        Path conf = writeConfig();
        pg.standby(1).stop();

        Run refused = recover("-f", conf.toString(), "-n", "1", "--dry-run");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("not trusted yet").contains(sshd.hostKeyFingerprint())
                .contains("--trust-host-key " + sshd.hostKeyFingerprint());
        assertThat(dir.resolve("known_hosts")).doesNotExist();

        Run wrongFingerprint = recover("-f", conf.toString(), "-n", "1", "--dry-run", "--trust-host-key", "SHA256:nope");
        assertThat(wrongFingerprint.exitCode()).isNotZero();
        assertThat(dir.resolve("known_hosts")).doesNotExist();

        Run plan = recover("-f", conf.toString(), "-n", "1", "--dry-run", "--trust-host-key", sshd.hostKeyFingerprint());

        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("trusted [127.0.0.1]:" + sshd.port() + " ssh-ed25519 " + sshd.hostKeyFingerprint())
                .contains("online recovery of node 1 (127.0.0.1:" + pg.standby(1).port())
                .contains("method: pg_rewind from node 0")
                .contains("pg_rewind -D " + pg.standby(1).dataDirectory())
                .contains("[ssh " + sshd.user() + "@127.0.0.1:" + sshd.port());
        assertThat(pg.standby(1).isRunning()).as("a dry run changes nothing").isFalse();

        Run done = recover("-f", conf.toString(), "-n", "1");

        assertThat(done.exitCode()).as(done.out() + done.err()).isZero();
        assertThat(done.out()).contains("[1] stop the node's server if it is still running")
                .contains("node 1 is ready; a running proxy puts it back into service with pcp_attach_node -n 1")
                .endsWith("node 1 recovered\n");
        pg.cluster().awaitStreaming(pg.primary(), List.of(pg.standby(1)));
    }

    @Test
    void recoveringThePrimaryIsRefused() throws Exception {
        Path conf = writeConfig();

        Run refused = recover("-f", conf.toString(), "-n", "0", "--dry-run");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("primary server cannot be recovered by online recovery.");
    }
}
