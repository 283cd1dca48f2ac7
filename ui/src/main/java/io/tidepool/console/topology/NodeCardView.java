package io.tidepool.console.topology;

import io.tidepool.console.actions.NodeActionsUi;
import javafx.geometry.Pos;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.util.Locale;

/**
 * One node's card. Built once per node and updated in place on every refresh, so an open
 * action menu is not torn away when {@code select_cnt} ticks.
 */
final class NodeCardView {

    private final VBox root = new VBox();
    private final Label title = new Label();
    private final Label role = new Label();
    private final Label status = new Label();
    private final Label lb = new Label("LB");
    private final Label replication = line();
    private final Label numbers = line();
    private final VBox warnings = new VBox(4);
    private NodeCard card;
    private String statusStyle = "";

    NodeCardView(NodeCard first, NodeActionsUi actions) {
        int id = first.nodeId();
        title.getStyleClass().add("card-title");
        title.setMinWidth(Region.USE_PREF_SIZE);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        MenuButton menu = new MenuButton("Actions");
        menu.setId("card-actions-" + id);
        menu.setMinWidth(Region.USE_PREF_SIZE);
        // Items are made when the menu opens, from the node as it is then.
        menu.setOnShowing(e -> menu.getItems().setAll(actions.menuItems(card.node())));
        menu.getItems().setAll(actions.menuItems(first.node()));
        HBox header = new HBox(8, title, spacer, menu);
        header.setAlignment(Pos.CENTER_LEFT);

        role.getStyleClass().add("card-role");
        role.setId("card-role-" + id);
        status.getStyleClass().add("status-pill");
        status.setMinWidth(Region.USE_PREF_SIZE);
        lb.setMinWidth(Region.USE_PREF_SIZE);
        status.setId("card-status-" + id);
        lb.getStyleClass().add("lb-marker");
        lb.setTooltip(new Tooltip("load-balance node of the console's session"));
        lb.managedProperty().bind(lb.visibleProperty());
        HBox roleLine = new HBox(8, role, status, lb);
        roleLine.setAlignment(Pos.CENTER_LEFT);

        root.getChildren().addAll(header, roleLine, replication, numbers, warnings);
        root.getStyleClass().add("node-card");
        root.setId("node-card-" + id);
        root.setPrefWidth(340);
        ContextMenu context = new ContextMenu();
        root.setOnContextMenuRequested(e -> {
            context.getItems().setAll(actions.menuItems(card.node()));
            context.show(root, e.getScreenX(), e.getScreenY());
            e.consume();
        });
        update(first);
    }

    void update(NodeCard next) {
        if (next.equals(card)) {
            return;
        }
        card = next;
        title.setText(next.title());
        role.setText("node " + next.nodeId() + " \u00b7 " + next.roleText().toUpperCase(Locale.ROOT));
        status.setText(next.statusText());
        root.getStyleClass().remove(statusStyle);
        status.getStyleClass().remove(statusStyle);
        statusStyle = next.statusStyle();
        root.getStyleClass().add(statusStyle);
        status.getStyleClass().add(statusStyle);
        lb.setVisible(next.loadBalanceNode());
        replication.setText(next.replicationText());
        numbers.setText(next.weightText() + " \u00b7 " + next.selectText());
        warnings.getChildren().setAll(next.warnings().stream().map(w -> {
            Label l = new Label("\u26a0 " + w);
            l.getStyleClass().add("card-warning");
            l.setMaxWidth(Double.MAX_VALUE);
            return l;
        }).toList());
    }

    VBox root() {
        return root;
    }

    private static Label line() {
        Label l = new Label();
        l.getStyleClass().add("card-line");
        l.setWrapText(true);
        return l;
    }
}
