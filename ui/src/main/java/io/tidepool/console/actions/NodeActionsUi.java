package io.tidepool.console.actions;

import io.tidepool.console.client.ActionResult;
import io.tidepool.console.client.NodeAction;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.session.ConsoleTask;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The view side of node actions, shared by the topology cards and the table: menu items, the
 * confirmation dialog that shows the plan, and the end-of-task notification.
 */
public final class NodeActionsUi {

    private final NodeActionsViewModel viewModel;
    private final Supplier<Window> owner;
    private final ReadOnlyObjectWrapper<Optional<ConsoleTask<ActionResult>>> current =
            new ReadOnlyObjectWrapper<>(Optional.empty());

    public NodeActionsUi(NodeActionsViewModel viewModel, Supplier<Window> owner) {
        this.viewModel = viewModel;
        this.owner = owner;
    }

    /** Menu items for {@code node}, disabled ones carrying their reason. */
    public List<MenuItem> menuItems(PoolNode node) {
        return viewModel.choicesFor(node).stream().map(choice -> {
            MenuItem item = new MenuItem(choice.menuText());
            item.setId("action-" + choice.action().name().toLowerCase(java.util.Locale.ROOT) + "-" + node.nodeId());
            item.setDisable(!choice.enabled());
            item.setOnAction(e -> confirmAndRun(choice.action(), node));
            return item;
        }).toList();
    }

    /** The plan the confirmation dialog shows for {@code action} on {@code node}. */
    public ActionPlan plan(NodeAction action, PoolNode node) {
        return viewModel.plan(action, node);
    }

    /** Builds (does not show) the confirmation dialog for the plan. */
    public Alert confirmation(ActionPlan plan) {
        ButtonType go = new ButtonType(plan.confirmLabel(), ButtonBar.ButtonData.OK_DONE);
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, "", go, ButtonType.CANCEL);
        alert.setTitle(plan.title());
        alert.setHeaderText(plan.headline());
        VBox body = new VBox(6);
        body.setAlignment(Pos.TOP_LEFT);
        for (String effect : plan.effects()) {
            Label l = new Label("\u2022 " + effect);
            l.setWrapText(true);
            l.setMaxWidth(520);
            body.getChildren().add(l);
        }
        if (!plan.caution().isEmpty()) {
            Label c = new Label(plan.caution());
            c.getStyleClass().add("card-warning");
            c.setWrapText(true);
            c.setMaxWidth(520);
            body.getChildren().add(c);
        }
        alert.getDialogPane().setContent(body);
        alert.getDialogPane().setId("action-confirmation");
        Window w = owner.get();
        if (w != null) {
            alert.initOwner(w);
            alert.getDialogPane().getStylesheets().addAll(w.getScene().getStylesheets());
        }
        alert.getDialogPane().lookupButton(go).setId("confirm-action");
        return alert;
    }

    /** Shows the plan; when confirmed, runs the action as a task and notifies when it ends. */
    public void confirmAndRun(NodeAction action, PoolNode node) {
        ActionPlan plan = viewModel.plan(action, node);
        Alert alert = confirmation(plan);
        alert.showAndWait()
                .filter(b -> b.getButtonData() == ButtonBar.ButtonData.OK_DONE)
                .ifPresent(b -> run(action, node));
    }

    /** Runs without asking (the dialog was already answered). */
    public ConsoleTask<ActionResult> run(NodeAction action, PoolNode node) {
        ConsoleTask<ActionResult> task = viewModel.run(action, node);
        current.set(Optional.of(task));
        task.outcome().whenComplete((result, failure) -> notifyEnd(task));
        return task;
    }

    private void notifyEnd(ConsoleTask<ActionResult> task) {
        Notifications n = Notifications.create()
                .title(task.title())
                .hideAfter(Duration.seconds(6))
                .position(Pos.BOTTOM_RIGHT);
        Window w = owner.get();
        if (w != null) {
            n.owner(w);
        }
        switch (task.stateProperty().get()) {
            case SUCCEEDED -> n.text(task.outcome().join() instanceof ActionResult.Done d ? d.message() : "done").showInformation();
            case CANCELLED -> n.text(task.messageProperty().get()).showWarning();
            case FAILED -> n.text(task.messageProperty().get()).showError();
            case RUNNING -> { }
        }
    }

    /** The last action task started, for the main window's task bar. */
    public ReadOnlyObjectProperty<Optional<ConsoleTask<ActionResult>>> currentTaskProperty() {
        return current.getReadOnlyProperty();
    }
}
