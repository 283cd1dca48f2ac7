package io.tidepool.console.events;

import io.tidepool.console.client.ClusterEvent;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Controller of EventsView.fxml: the filterable timeline and the log tail. Binds, nothing else. */
public final class EventsView {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private final EventsViewModel viewModel;

    @FXML private TextField filterField;
    @FXML private ChoiceBox<EventsViewModel.KindChoice> kindChoice;
    @FXML private Label countLabel;
    @FXML private TableView<ClusterEvent> eventsTable;
    @FXML private Label logNote;
    @FXML private ListView<String> logList;

    public EventsView(EventsViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        filterField.textProperty().bindBidirectional(viewModel.filterTextProperty());
        kindChoice.setItems(viewModel.kindChoices());
        kindChoice.valueProperty().bindBidirectional(viewModel.kindFilterProperty());
        countLabel.textProperty().bind(Bindings.size(viewModel.visibleEvents()).asString("%d events"));
        eventsTable.getColumns().add(column("time", 110, e -> TIME.format(e.at())));
        eventsTable.getColumns().add(column("kind", 120, e -> e.kind().label()));
        eventsTable.getColumns().add(column("node", 50, e -> e.nodeId().isPresent() ? Integer.toString(e.nodeId().getAsInt()) : ""));
        eventsTable.getColumns().add(column("what happened", 420, ClusterEvent::message));
        eventsTable.getColumns().add(column("why / output", 380, ClusterEvent::detail));
        eventsTable.setItems(viewModel.visibleEvents());
        logNote.textProperty().bind(viewModel.logNoteProperty());
        logList.setItems(viewModel.logLines());
    }

    private static TableColumn<ClusterEvent, String> column(String title, double width,
                                                            java.util.function.Function<ClusterEvent, String> text) {
        TableColumn<ClusterEvent, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(text.apply(cd.getValue())));
        return c;
    }
}
