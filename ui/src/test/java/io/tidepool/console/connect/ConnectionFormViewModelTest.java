package io.tidepool.console.connect;

import io.tidepool.console.client.ClusterClientKind;
import io.tidepool.console.connections.ConnectionProfile;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionFormViewModelTest {

    private final ConnectionFormViewModel vm = new ConnectionFormViewModel();

    @Test
    void defaultsNeedOnlyAName() {
        assertThat(vm.validate()).containsExactly("give the connection a name");
        assertThat(vm.validBinding().get()).isFalse();

        vm.nameProperty().set("staging");

        assertThat(vm.validBinding().get()).isTrue();
        assertThat(vm.problemsBinding().get()).isEmpty();
    }

    @Test
    void portsAreCheckedForRangeAndDigits() {
        vm.nameProperty().set("x");
        vm.portProperty().set("70000");
        vm.pcpPortProperty().set("abc");

        assertThat(vm.validate()).containsExactly("the port 70000 is outside 1..65535", "the PCP port 'abc' is not a number");
        assertThatThrownBy(vm::toProfile).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void emptyPcpPortMeansViewOnly() {
        vm.nameProperty().set("view only");
        vm.pcpPortProperty().set("");

        assertThat(vm.toProfile().pcpPort()).isZero();
    }

    @Test
    void profileCarriesNoPasswordAndPasswordsStayInMemory() {
        vm.nameProperty().set("prod");
        vm.hostProperty().set(" db1 ");
        vm.passwordProperty().set("s3cret");

        ConnectionProfile p = vm.toProfile();

        assertThat(p).isEqualTo(new ConnectionProfile("prod", ClusterClientKind.REMOTE_PGPOOL, "db1", 9999, "postgres",
                vm.userProperty().get(), 9898, vm.pcpUserProperty().get()));
        assertThat(p.toString()).doesNotContain("s3cret");
        assertThat(vm.typedPassword()).contains("s3cret");
        assertThat(vm.typedPcpPassword()).isEmpty();
    }

    @Test
    void loadFillsFieldsButNotPasswords() {
        vm.passwordProperty().set("old");
        vm.load(ConnectionProfile.pgpool("a", "h", 5000, "u", 0, "pu"));

        assertThat(vm.portProperty().get()).isEqualTo("5000");
        assertThat(vm.pcpPortProperty().get()).isEmpty();
        assertThat(vm.passwordProperty().get()).isEmpty();
    }
}
