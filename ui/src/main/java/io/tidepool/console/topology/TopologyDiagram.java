package io.tidepool.console.topology;

import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.layout.Pane;
import javafx.scene.shape.Line;
import javafx.scene.shape.Polygon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays node cards out as a replication tree: primaries on the top row, every other node on the
 * row below, and an arrow from the primary to each standby it feeds. Cards keep their preferred
 * size; the diagram centres the rows in whatever width it gets.
 */
public final class TopologyDiagram extends Pane {

    private static final double ROW_GAP = 90;
    private static final double COLUMN_GAP = 28;
    private static final double ARROW = 9;

    private final Map<Integer, Node> cards = new LinkedHashMap<>();
    private final List<Integer> topRow = new ArrayList<>();
    private final List<Integer> bottomRow = new ArrayList<>();
    private final List<TopologyViewModel.Link> links = new ArrayList<>();
    private final List<Node> arrows = new ArrayList<>();

    public TopologyDiagram() {
        setPadding(new Insets(28));
    }

    /** Replaces the content. {@code top} lists the node ids of the top row, in order. */
    public void show(Map<Integer, Node> cardsById, List<Integer> top, List<TopologyViewModel.Link> newLinks) {
        cards.clear();
        cards.putAll(cardsById);
        topRow.clear();
        topRow.addAll(top);
        bottomRow.clear();
        cardsById.keySet().stream().filter(id -> !top.contains(id)).forEach(bottomRow::add);
        links.clear();
        links.addAll(newLinks);
        arrows.clear();
        for (int i = 0; i < links.size(); i++) {
            Line line = new Line();
            line.getStyleClass().add("replication-arrow");
            Polygon head = new Polygon();
            head.getStyleClass().add("replication-arrow-head");
            arrows.add(line);
            arrows.add(head);
        }
        getChildren().setAll(arrows);
        getChildren().addAll(cardsById.values());
        requestLayout();
    }

    @Override
    protected void layoutChildren() {
        Insets in = getInsets();
        double width = getWidth() - in.getLeft() - in.getRight();
        double y = in.getTop();
        double topHeight = placeRow(topRow, in.getLeft(), width, y);
        placeRow(bottomRow, in.getLeft(), width, y + topHeight + (topHeight > 0 ? ROW_GAP : 0));
        for (int i = 0; i < links.size(); i++) {
            Node from = cards.get(links.get(i).fromNodeId());
            Node to = cards.get(links.get(i).toNodeId());
            Line line = (Line) arrows.get(2 * i);
            Polygon head = (Polygon) arrows.get(2 * i + 1);
            if (from == null || to == null) {
                line.setVisible(false);
                head.setVisible(false);
                continue;
            }
            double x1 = from.getLayoutX() + from.getLayoutBounds().getWidth() / 2;
            double y1 = from.getLayoutY() + from.getLayoutBounds().getHeight();
            double x2 = to.getLayoutX() + to.getLayoutBounds().getWidth() / 2;
            double y2 = to.getLayoutY();
            line.setStartX(x1);
            line.setStartY(y1);
            line.setEndX(x2);
            line.setEndY(y2 - ARROW);
            double angle = Math.atan2(y2 - y1, x2 - x1);
            head.getPoints().setAll(
                    x2, y2,
                    x2 - ARROW * Math.cos(angle - 0.45), y2 - ARROW * Math.sin(angle - 0.45),
                    x2 - ARROW * Math.cos(angle + 0.45), y2 - ARROW * Math.sin(angle + 0.45));
            line.setVisible(true);
            head.setVisible(true);
        }
    }

    private double placeRow(List<Integer> ids, double left, double width, double y) {
        double total = 0;
        double height = 0;
        for (Integer id : ids) {
            Node n = cards.get(id);
            total += n.prefWidth(-1);
            height = Math.max(height, n.prefHeight(-1));
        }
        total += COLUMN_GAP * Math.max(0, ids.size() - 1);
        double x = left + Math.max(0, (width - total) / 2);
        for (Integer id : ids) {
            Node n = cards.get(id);
            double w = n.prefWidth(-1);
            n.resizeRelocate(snapPositionX(x), snapPositionY(y), w, n.prefHeight(w));
            x += w + COLUMN_GAP;
        }
        return height;
    }

    @Override
    protected double computePrefWidth(double height) {
        Insets in = getInsets();
        double top = rowWidth(topRow);
        double bottom = rowWidth(bottomRow);
        return in.getLeft() + Math.max(top, bottom) + in.getRight();
    }

    @Override
    protected double computePrefHeight(double width) {
        Insets in = getInsets();
        double top = rowHeight(topRow);
        double bottom = rowHeight(bottomRow);
        return in.getTop() + top + (top > 0 && bottom > 0 ? ROW_GAP : 0) + bottom + in.getBottom();
    }

    private double rowWidth(List<Integer> ids) {
        return ids.stream().mapToDouble(id -> cards.get(id).prefWidth(-1)).sum() + COLUMN_GAP * Math.max(0, ids.size() - 1);
    }

    private double rowHeight(List<Integer> ids) {
        return ids.stream().mapToDouble(id -> cards.get(id).prefHeight(-1)).max().orElse(0);
    }
}
