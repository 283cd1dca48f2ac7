package io.tidepool.console.connect;

import io.tidepool.console.client.ClusterClientKind;
import javafx.fxml.FXML;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.util.StringConverter;

/** Controller of ConnectionFormView.fxml. Binds, nothing else. */
public final class ConnectionFormView {

    private final ConnectionFormViewModel viewModel;

    @FXML private TextField nameField;
    @FXML private ChoiceBox<ClusterClientKind> kindChoice;
    @FXML private TextField hostField;
    @FXML private TextField portField;
    @FXML private TextField databaseField;
    @FXML private TextField userField;
    @FXML private PasswordField passwordField;
    @FXML private TextField pcpPortField;
    @FXML private TextField pcpUserField;
    @FXML private PasswordField pcpPasswordField;
    @FXML private Label problemsLabel;

    public ConnectionFormView(ConnectionFormViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        nameField.textProperty().bindBidirectional(viewModel.nameProperty());
        kindChoice.getItems().setAll(ClusterClientKind.values());
        kindChoice.setConverter(new StringConverter<>() {
            @Override
            public String toString(ClusterClientKind k) {
                return k == null ? "" : k.label();
            }

            @Override
            public ClusterClientKind fromString(String s) {
                throw new UnsupportedOperationException();
            }
        });
        kindChoice.valueProperty().bindBidirectional(viewModel.kindProperty());
        hostField.textProperty().bindBidirectional(viewModel.hostProperty());
        portField.textProperty().bindBidirectional(viewModel.portProperty());
        databaseField.textProperty().bindBidirectional(viewModel.databaseProperty());
        userField.textProperty().bindBidirectional(viewModel.userProperty());
        passwordField.textProperty().bindBidirectional(viewModel.passwordProperty());
        pcpPortField.textProperty().bindBidirectional(viewModel.pcpPortProperty());
        pcpUserField.textProperty().bindBidirectional(viewModel.pcpUserProperty());
        pcpPasswordField.textProperty().bindBidirectional(viewModel.pcpPasswordProperty());
        problemsLabel.textProperty().bind(viewModel.problemsBinding());
        problemsLabel.visibleProperty().bind(viewModel.validBinding().not());
        problemsLabel.managedProperty().bind(problemsLabel.visibleProperty());
    }
}
