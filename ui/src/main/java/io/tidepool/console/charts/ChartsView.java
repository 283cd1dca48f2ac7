package io.tidepool.console.charts;

import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.fxml.FXML;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Controller of ChartsView.fxml. The x axis is "seconds ago", so the newest sample sits at 0
 * and the window scrolls left; points are recomputed from the ViewModel's samples on change.
 */
public final class ChartsView {

    private final ChartsViewModel viewModel;

    @FXML private LineChart<Number, Number> readsChart;
    @FXML private LineChart<Number, Number> delayChart;
    @FXML private NumberAxis readsTime;
    @FXML private NumberAxis delayTime;
    @FXML private NumberAxis delayAxis;

    public ChartsView(ChartsViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        double span = viewModel.window().toSeconds();
        for (NumberAxis axis : new NumberAxis[] {readsTime, delayTime}) {
            axis.setLowerBound(-span);
            axis.setUpperBound(0);
        }
        delayAxis.labelProperty().bind(viewModel.delayUnitProperty());
        bind(viewModel.readRates(), readsChart, readsTime, span);
        bind(viewModel.delays(), delayChart, delayTime, span);
    }

    /**
     * Shows as much time as there is data, at least 30 s and at most the window, so a console
     * that has just connected does not draw a few pixels at the right edge of five minutes.
     */
    private static void fitTimeAxis(ObservableList<SeriesModel> models, NumberAxis axis, double window) {
        double oldest = 0;
        for (SeriesModel m : models) {
            if (m.samples().size() > 1) {
                Instant newest = m.samples().get(m.samples().size() - 1).at();
                oldest = Math.max(oldest, Duration.between(m.samples().get(0).at(), newest).toMillis() / 1000.0);
            }
        }
        double span = Math.min(window, Math.max(30, Math.ceil(oldest / 30) * 30));
        axis.setLowerBound(-span);
        axis.setTickUnit(span <= 60 ? 10 : 30);
    }

    private static void bind(ObservableList<SeriesModel> models, LineChart<Number, Number> chart, NumberAxis time,
                             double window) {
        Map<SeriesModel, XYChart.Series<Number, Number>> shown = new HashMap<>();
        Runnable sync = () -> {
            chart.getData().removeIf(s -> shown.entrySet().stream()
                    .noneMatch(e -> e.getValue() == s && models.contains(e.getKey())));
            shown.keySet().retainAll(models);
            for (SeriesModel m : models) {
                shown.computeIfAbsent(m, key -> {
                    XYChart.Series<Number, Number> s = new XYChart.Series<>();
                    s.setName(key.name());
                    chart.getData().add(s);
                    key.samples().addListener((ListChangeListener<Sample>) c -> {
                        redraw(key, s);
                        fitTimeAxis(models, time, window);
                    });
                    redraw(key, s);
                    return s;
                });
            }
        };
        models.addListener((ListChangeListener<SeriesModel>) c -> sync.run());
        sync.run();
    }

    private static void redraw(SeriesModel model, XYChart.Series<Number, Number> series) {
        if (model.samples().isEmpty()) {
            series.getData().clear();
            return;
        }
        Instant newest = model.samples().get(model.samples().size() - 1).at();
        var points = model.samples().stream()
                .map(s -> new XYChart.Data<Number, Number>(-Duration.between(s.at(), newest).toMillis() / 1000.0, s.value()))
                .toList();
        series.getData().setAll(points);
    }
}
