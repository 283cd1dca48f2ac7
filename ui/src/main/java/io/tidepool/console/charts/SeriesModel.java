package io.tidepool.console.charts;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** A named series of samples for one node, oldest first. */
public final class SeriesModel {
    private final int nodeId;
    private final String name;
    private final ObservableList<Sample> samples = FXCollections.observableArrayList();

    SeriesModel(int nodeId, String name) {
        this.nodeId = nodeId;
        this.name = name;
    }

    public int nodeId() {
        return nodeId;
    }

    public String name() {
        return name;
    }

    public ObservableList<Sample> samples() {
        return samples;
    }
}
