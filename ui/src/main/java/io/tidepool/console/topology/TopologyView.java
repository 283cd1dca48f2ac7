package io.tidepool.console.topology;

import io.tidepool.console.actions.NodeActionsUi;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Controller of TopologyView.fxml. Keeps one {@link NodeCardView} per node, updated in place;
 * the diagram is re-laid out only when nodes, primaries or arrows change.
 */
public final class TopologyView {

    private final TopologyViewModel viewModel;
    private final NodeActionsUi actions;
    private final Map<Integer, NodeCardView> views = new HashMap<>();
    private List<Object> shape = List.of();

    @FXML private ScrollPane scroller;
    @FXML private TopologyDiagram diagram;
    @FXML private Label emptyLabel;

    public TopologyView(TopologyViewModel viewModel, NodeActionsUi actions) {
        this.viewModel = viewModel;
        this.actions = actions;
    }

    @FXML
    private void initialize() {
        viewModel.cards().addListener((ListChangeListener<NodeCard>) c -> sync());
        viewModel.links().addListener((ListChangeListener<TopologyViewModel.Link>) c -> sync());
        emptyLabel.visibleProperty().bind(Bindings.isEmpty(viewModel.cards()));
        scroller.visibleProperty().bind(emptyLabel.visibleProperty().not());
        sync();
    }

    private void sync() {
        Map<Integer, Node> byId = new LinkedHashMap<>();
        List<Integer> top = new ArrayList<>();
        for (NodeCard card : viewModel.cards()) {
            NodeCardView view = views.computeIfAbsent(card.nodeId(), id -> new NodeCardView(card, actions));
            view.update(card);
            byId.put(card.nodeId(), view.root());
            if (card.node().isPrimary()) {
                top.add(card.nodeId());
            }
        }
        views.keySet().retainAll(byId.keySet());
        List<TopologyViewModel.Link> links = List.copyOf(viewModel.links());
        List<Object> nextShape = List.of(List.copyOf(byId.keySet()), top, links);
        if (!nextShape.equals(shape)) {
            shape = nextShape;
            diagram.show(byId, top, links);
        }
    }
}
