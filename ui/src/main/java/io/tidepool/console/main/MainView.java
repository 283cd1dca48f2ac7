package io.tidepool.console.main;

import io.tidepool.console.ViewLoader;
import io.tidepool.console.actions.NodeActionsUi;
import io.tidepool.console.charts.ChartsView;
import io.tidepool.console.events.EventsView;
import io.tidepool.console.nodes.NodesTableView;
import io.tidepool.console.watchdog.WatchdogView;
import io.tidepool.console.client.ActionResult;
import io.tidepool.console.connect.ConnectionFormView;
import io.tidepool.console.connect.ConnectionFormViewModel;
import io.tidepool.console.connections.ConnectionProfile;
import io.tidepool.console.session.ConsoleTask;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

import java.util.Optional;
import java.util.function.Supplier;

/** Controller of MainView.fxml: the chooser, the badge, the tabs and the task bar. */
public final class MainView {

    private final MainViewModel viewModel;
    private final NodeActionsUi actions;
    private final ViewLoader loader;
    private final Supplier<ConnectionFormViewModel> forms;

    @FXML private BorderPane root;
    @FXML private ComboBox<ConnectionProfile> connectionChooser;
    @FXML private Button connectButton;
    @FXML private Button newConnectionButton;
    @FXML private Button disconnectButton;
    @FXML private Label connectionBadge;
    @FXML private Label noticeLabel;
    @FXML private TabPane tabs;
    @FXML private Tab topologyTab;
    @FXML private Tab nodesTab;
    @FXML private Tab chartsTab;
    @FXML private Tab eventsTab;
    @FXML private Tab watchdogTab;
    @FXML private HBox taskBar;
    @FXML private Label taskTitle;
    @FXML private ProgressBar taskProgress;
    @FXML private Label taskMessage;
    @FXML private Button taskCancelButton;
    @FXML private Label statusLine;

    private String badgeStyle = "";

    public MainView(MainViewModel viewModel, NodeActionsUi actions, ViewLoader loader, Supplier<ConnectionFormViewModel> forms) {
        this.viewModel = viewModel;
        this.actions = actions;
        this.loader = loader;
        this.forms = forms;
    }

    @FXML
    private void initialize() {
        connectionChooser.setItems(viewModel.profiles());
        connectionChooser.valueProperty().bindBidirectional(viewModel.selectedProperty());
        connectButton.disableProperty().bind(viewModel.selectedProperty().isNull());
        disconnectButton.disableProperty().bind(Bindings.createBooleanBinding(
                () -> viewModel.session().clientProperty().get().isEmpty(), viewModel.session().clientProperty()));
        connectionBadge.textProperty().bind(viewModel.connectionTextBinding());
        javafx.scene.control.Tooltip why = new javafx.scene.control.Tooltip();
        why.textProperty().bind(viewModel.connectionDetailBinding());
        connectionBadge.setTooltip(why);
        applyBadgeStyle(viewModel.connectionStyleBinding().get());
        viewModel.connectionStyleBinding().addListener((o, was, now) -> applyBadgeStyle(now));
        noticeLabel.textProperty().bind(viewModel.noticeProperty());
        noticeLabel.visibleProperty().bind(viewModel.noticeProperty().isNotEmpty());
        noticeLabel.managedProperty().bind(noticeLabel.visibleProperty());
        statusLine.textProperty().bind(Bindings.createStringBinding(() -> {
            String error = viewModel.session().lastErrorProperty().get();
            if (!error.isEmpty()) {
                return "last refresh failed: " + error;
            }
            return viewModel.connectionDetailBinding().get() + viewModel.session().snapshotProperty().get()
                    .map(s -> " \u00b7 " + s.nodes().size() + " nodes \u00b7 refreshed "
                            + java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
                            .withZone(java.time.ZoneId.systemDefault()).format(s.takenAt())
                            + " \u00b7 every " + viewModel.session().refreshIntervalSecondsProperty().get() + " s")
                    .orElse("");
        }, viewModel.session().lastErrorProperty(), viewModel.connectionDetailBinding(),
                viewModel.session().snapshotProperty(), viewModel.session().refreshIntervalSecondsProperty()));

        // Only the first tab is built before the window shows; the others on first selection.
        tabs.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> ensureContent(now));
        ensureContent(tabs.getSelectionModel().getSelectedItem());

        taskBar.setVisible(false);
        taskBar.setManaged(false);
        actions.currentTaskProperty().addListener((o, was, now) -> now.ifPresent(this::showTask));
    }

    private void ensureContent(Tab tab) {
        if (tab == null || tab.getContent() != null) {
            return;
        }
        Class<?> view = switch (tab.getId()) {
            case "nodesTab" -> NodesTableView.class;
            case "chartsTab" -> ChartsView.class;
            case "eventsTab" -> EventsView.class;
            case "watchdogTab" -> WatchdogView.class;
            default -> throw new IllegalStateException("no view for tab " + tab.getId());
        };
        tab.setContent(loader.load(view).root());
    }

    private void applyBadgeStyle(String style) {
        connectionBadge.getStyleClass().remove(badgeStyle);
        connectionBadge.getStyleClass().add(style);
        badgeStyle = style;
    }

    private void showTask(ConsoleTask<ActionResult> task) {
        taskBar.setVisible(true);
        taskBar.setManaged(true);
        taskTitle.setText(task.title());
        taskProgress.progressProperty().bind(task.progressProperty());
        taskMessage.textProperty().bind(task.messageProperty());
        taskCancelButton.disableProperty().bind(task.stateProperty().isNotEqualTo(ConsoleTask.State.RUNNING));
        taskCancelButton.setOnAction(e -> task.cancel());
    }

    @FXML
    private void connect() {
        viewModel.connectSelected(Optional.empty(), Optional.empty());
    }

    @FXML
    private void disconnect() {
        viewModel.disconnect();
    }

    @FXML
    private void cancelTask() {
        actions.currentTaskProperty().get().ifPresent(ConsoleTask::cancel);
    }

    /** Asks for a new connection; saves it (without passwords) and connects. */
    @FXML
    private void newConnection() {
        ConnectionFormViewModel form = forms.get();
        ViewLoader.Loaded<ConnectionFormView> view = loader.loadWith(ConnectionFormView.class, new ConnectionFormView(form));
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.initOwner(root.getScene().getWindow());
        dialog.setTitle("New connection");
        dialog.setHeaderText("Connect to a cluster");
        dialog.getDialogPane().setContent(view.root());
        dialog.getDialogPane().getStylesheets().addAll(root.getScene().getStylesheets());
        ButtonType save = new ButtonType("Save and connect", ButtonBar.ButtonData.OK_DONE);
        dialog.getDialogPane().getButtonTypes().addAll(save, ButtonType.CANCEL);
        dialog.getDialogPane().lookupButton(save).disableProperty().bind(form.validBinding().not());
        dialog.showAndWait().filter(b -> b == save).ifPresent(b -> {
            ConnectionProfile profile = form.toProfile();
            viewModel.saveProfile(profile);
            viewModel.connect(profile, form.typedPassword(), form.typedPcpPassword());
        });
    }

    public void selectTab(String id) {
        for (Tab t : tabs.getTabs()) {
            if (id.equals(t.getId())) {
                tabs.getSelectionModel().select(t);
            }
        }
    }
}
