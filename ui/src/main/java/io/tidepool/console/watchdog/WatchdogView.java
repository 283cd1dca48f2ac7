package io.tidepool.console.watchdog;

import javafx.fxml.FXML;
import javafx.scene.control.Label;

/** Controller of WatchdogView.fxml. */
public final class WatchdogView {

    private final WatchdogViewModel viewModel;

    @FXML private Label headline;
    @FXML private Label detail;

    public WatchdogView(WatchdogViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        headline.textProperty().bind(viewModel.headlineProperty());
        detail.textProperty().bind(viewModel.detailProperty());
    }
}
