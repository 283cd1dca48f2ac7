package io.tidepool.console.it;

import io.tidepool.console.PcpChannels;
import io.tidepool.console.client.ConnectionState;
import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connections.ConnectionProfile;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.tidepool.console.it.ConsoleFixture.fx;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "New connection" dialog in a real window: the typed connection is saved without its
 * password, chosen, and connected; a cluster that does not answer shows as lost and retried,
 * with the reason, while the window stays responsive.
 */
class ConnectionDialogIT {

    @TempDir
    Path scratch;
    private ConsoleFixture console;
    private final FxRobot robot = new FxRobot();

    @AfterEach
    void close() throws Exception {
        if (console != null) {
            console.close();
        }
    }

    @Test
    void newConnectionIsSavedWithoutPasswordAndAnUnreachableClusterShowsAsLostAndRetried() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        console = ConsoleFixture.open(new ClusterClients(PcpChannels.factory()), scratch);

        robot.clickOn("#newConnectionButton");
        robot.clickOn("#nameField").write("nowhere");
        fx(() -> {
            robot.lookup("#portField").queryAs(TextField.class).setText(Integer.toString(closedPort));
            robot.lookup("#pcpPortField").queryAs(TextField.class).setText("");
            return null;
        });
        robot.clickOn("#passwordField").write("typed-secret");
        robot.clickOn("Save and connect");

        console.await("the connection to be reported lost", Duration.ofSeconds(20),
                () -> console.window().session().connectionProperty().get().state() == ConnectionState.LOST);
        Label badge = robot.lookup("#connectionBadge").queryAs(Label.class);
        assertThat(fx(badge::getText)).startsWith("connection lost \u00b7 retrying in");
        assertThat(fx(() -> badge.getTooltip().getText())).startsWith("connection lost: ").contains("refused");
        assertThat(fx(() -> badge.getStyleClass())).contains("connection-lost");
        ComboBox<ConnectionProfile> chooser = robot.lookup("#connectionChooser").queryComboBox();
        assertThat(fx(() -> chooser.getValue().name())).isEqualTo("nowhere");
        console.await("the connection saved", Duration.ofSeconds(10), () -> Files.exists(scratch.resolve("connections.json")));
        String saved = Files.readString(scratch.resolve("connections.json"));
        assertThat(saved).contains("\"nowhere\"").contains(Integer.toString(closedPort)).doesNotContain("typed-secret");

        console.await("a retry", Duration.ofSeconds(20),
                () -> console.window().session().connectionProperty().get().failures() >= 2);
    }
}
