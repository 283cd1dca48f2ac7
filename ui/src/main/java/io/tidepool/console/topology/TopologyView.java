package io.tidepool.console.topology;

import io.tidepool.console.actions.NodeActionsUi;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Controller of TopologyView.fxml: turns {@link NodeCard}s into card nodes. Binds, nothing else. */
public final class TopologyView {

    private final TopologyViewModel viewModel;
    private final NodeActionsUi actions;

    @FXML private ScrollPane scroller;
    @FXML private TopologyDiagram diagram;
    @FXML private Label emptyLabel;

    public TopologyView(TopologyViewModel viewModel, NodeActionsUi actions) {
        this.viewModel = viewModel;
        this.actions = actions;
    }

    @FXML
    private void initialize() {
        viewModel.cards().addListener((ListChangeListener<NodeCard>) c -> rebuild());
        viewModel.links().addListener((ListChangeListener<TopologyViewModel.Link>) c -> rebuild());
        emptyLabel.visibleProperty().bind(javafx.beans.binding.Bindings.isEmpty(viewModel.cards()));
        scroller.visibleProperty().bind(emptyLabel.visibleProperty().not());
        rebuild();
    }

    private void rebuild() {
        Map<Integer, Node> byId = new LinkedHashMap<>();
        List<Integer> top = new ArrayList<>();
        for (NodeCard card : viewModel.cards()) {
            byId.put(card.nodeId(), cardNode(card));
            if (card.node().isPrimary()) {
                top.add(card.nodeId());
            }
        }
        diagram.show(byId, top, List.copyOf(viewModel.links()));
    }

    private Node cardNode(NodeCard card) {
        Label title = new Label(card.title());
        title.getStyleClass().add("card-title");
        title.setMinWidth(Region.USE_PREF_SIZE);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        MenuButton menu = new MenuButton("Actions");
        menu.setId("card-actions-" + card.nodeId());
        menu.setMinWidth(Region.USE_PREF_SIZE);
        menu.setOnShowing(e -> menu.getItems().setAll(actions.menuItems(card.node())));
        menu.getItems().setAll(actions.menuItems(card.node()));
        HBox header = new HBox(8, title, spacer, menu);
        header.setAlignment(Pos.CENTER_LEFT);

        Label role = new Label("node " + card.nodeId() + " \u00b7 " + card.roleText().toUpperCase(java.util.Locale.ROOT));
        role.getStyleClass().add("card-role");
        role.setId("card-role-" + card.nodeId());
        Label status = new Label(card.statusText());
        status.getStyleClass().addAll("status-pill", card.statusStyle());
        status.setId("card-status-" + card.nodeId());
        HBox roleLine = new HBox(8, role, status);
        roleLine.setAlignment(Pos.CENTER_LEFT);
        if (card.loadBalanceNode()) {
            Label lb = new Label("LB");
            lb.getStyleClass().add("lb-marker");
            lb.setTooltip(new javafx.scene.control.Tooltip("load-balance node of the console's session"));
            roleLine.getChildren().add(lb);
        }

        Label replication = line(card.replicationText());
        Label numbers = line(card.weightText() + " \u00b7 " + card.selectText());
        VBox box = new VBox(header, roleLine, replication, numbers);
        for (String warning : card.warnings()) {
            Label w = new Label("\u26a0 " + warning);
            w.getStyleClass().add("card-warning");
            w.setMaxWidth(Double.MAX_VALUE);
            box.getChildren().add(w);
        }
        box.getStyleClass().addAll("node-card", card.statusStyle());
        box.setId("node-card-" + card.nodeId());
        box.setPrefWidth(340);
        ContextMenu context = new ContextMenu();
        box.setOnContextMenuRequested(e -> {
            context.getItems().setAll(actions.menuItems(card.node()));
            context.show(box, e.getScreenX(), e.getScreenY());
            e.consume();
        });
        return box;
    }

    private static Label line(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("card-line");
        l.setWrapText(true);
        return l;
    }
}
