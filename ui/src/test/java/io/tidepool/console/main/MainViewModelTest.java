package io.tidepool.console.main;

import io.tidepool.console.client.ClusterClientKind;
import io.tidepool.console.client.ConnectionState;
import io.tidepool.console.client.ConnectionStatus;
import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connections.ConnectionProfile;
import io.tidepool.console.connections.ConnectionStore;
import io.tidepool.console.session.ClusterSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class MainViewModelTest {

    @TempDir
    Path dir;

    private MainViewModel vm() {
        return new MainViewModel(new ClusterSession(Runnable::run), new ClusterClients(e -> Optional.empty()),
                new ConnectionStore(dir.resolve("c.json")), Runnable::run);
    }

    @Test
    void lostConnectionSaysWhyAndWhenTheNextAttemptIs() {
        Instant now = Instant.parse("2026-11-21T08:00:00Z");
        ConnectionStatus lost = new ConnectionStatus(ConnectionState.LOST, "Connection refused", 2,
                Optional.of(now.plusMillis(1500)));

        assertThat(MainViewModel.describe(lost, now)).isEqualTo("connection lost: Connection refused; retrying in 1.5 s");
        assertThat(MainViewModel.badge(lost, now)).isEqualTo("connection lost \u00b7 retrying in 1.5 s");
        assertThat(MainViewModel.describe(new ConnectionStatus(ConnectionState.RETRYING, "", 2, Optional.empty()), now))
                .isEqualTo("retrying (attempt 3)");
    }

    @Test
    void kindsWithoutAClientAreRefusedWithAReason() {
        MainViewModel vm = vm();
        ConnectionProfile embedded = new ConnectionProfile("local", ClusterClientKind.EMBEDDED_ENGINE, "localhost", 1, "postgres", "postgres", 0, "");

        assertThat(vm.connect(embedded, Optional.empty(), Optional.empty())).isFalse();
        assertThat(vm.noticeProperty().get()).contains("embedded engine").contains("not built");
        assertThat(vm.session().clientProperty().get()).isEmpty();
    }

    @Test
    void savedProfileIsSelectedAndSurvivesReload() {
        MainViewModel vm = vm();
        ConnectionProfile p = ConnectionProfile.pgpool("staging", "127.0.0.1", 9999, "postgres", 9898, "pcpadmin");

        vm.saveProfile(p);

        assertThat(vm.selectedProperty().get()).isEqualTo(p);
        MainViewModel again = vm();
        again.loadProfiles();
        assertThat(again.profiles()).containsExactly(p);
        assertThat(again.selectedProperty().get()).isEqualTo(p);
    }

    @Test
    void connectingToAPgpoolShowsItInTheTitle() {
        MainViewModel vm = vm();
        ConnectionProfile p = ConnectionProfile.pgpool("x", "127.0.0.1", 1, "postgres", 0, "postgres");

        assertThat(vm.connect(p, Optional.empty(), Optional.empty())).isTrue();

        assertThat(vm.titleBinding().get()).isEqualTo("Tidepool \u2014 pgpool-II at 127.0.0.1:1");
        vm.disconnect();
        assertThat(vm.titleBinding().get()).isEqualTo("Tidepool");
    }
}
