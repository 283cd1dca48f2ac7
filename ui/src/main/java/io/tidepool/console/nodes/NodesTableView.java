package io.tidepool.console.nodes;

import io.tidepool.console.actions.NodeActionsUi;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.session.ClusterSession;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.transformation.SortedList;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Controller of NodesTableView.fxml: the live SHOW pool_nodes table. Binds, nothing else. */
public final class NodesTableView {

    private static final Set<String> NUMERIC = Set.of("node_id", "port", "lb_weight", "select_cnt");
    /** Characters of a typical value where it is wider than the header ("standby", a host name, a timestamp). */
    private static final Map<String, Integer> TYPICAL_CHARS = Map.of(
            "hostname", 16, "role", 8, "pg_role", 8, "status", 10, "last_status_change", 19);

    private final NodesTableViewModel viewModel;
    private final NodeActionsUi actions;

    @FXML private Spinner<Double> intervalSpinner;
    @FXML private ToggleButton pauseButton;
    @FXML private Button refreshButton;
    @FXML private Button copyButton;
    @FXML private Label tableStatus;
    @FXML private TableView<PoolNode> nodesTable;

    public NodesTableView(NodesTableViewModel viewModel, NodeActionsUi actions) {
        this.viewModel = viewModel;
        this.actions = actions;
    }

    @FXML
    private void initialize() {
        SpinnerValueFactory.DoubleSpinnerValueFactory interval = new SpinnerValueFactory.DoubleSpinnerValueFactory(
                ClusterSession.MIN_INTERVAL_SECONDS, ClusterSession.MAX_INTERVAL_SECONDS,
                viewModel.refreshIntervalSecondsProperty().get(), 0.5);
        intervalSpinner.setValueFactory(interval);
        interval.valueProperty().addListener((o, was, now) -> {
            if (now != null) {
                viewModel.refreshIntervalSecondsProperty().set(now);
            }
        });
        viewModel.refreshIntervalSecondsProperty().addListener((o, was, now) -> interval.setValue(now.doubleValue()));
        pauseButton.selectedProperty().bindBidirectional(viewModel.pausedProperty());
        pauseButton.textProperty().bind(javafx.beans.binding.Bindings.when(viewModel.pausedProperty())
                .then("Resume").otherwise("Pause"));
        tableStatus.textProperty().bind(viewModel.statusLine());

        for (NodesTableViewModel.Column c : NodesTableViewModel.COLUMNS) {
            nodesTable.getColumns().add(column(c));
        }
        SortedList<PoolNode> sorted = new SortedList<>(viewModel.rows());
        sorted.comparatorProperty().bind(nodesTable.comparatorProperty());
        nodesTable.setItems(sorted);
        nodesTable.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        nodesTable.setRowFactory(t -> {
            TableRow<PoolNode> row = new TableRow<>();
            row.setOnContextMenuRequested(e -> {
                if (row.getItem() == null) {
                    return;
                }
                ContextMenu menu = new ContextMenu();
                menu.getItems().addAll(actions.menuItems(row.getItem()));
                menu.getItems().add(new SeparatorMenuItem());
                MenuItem copy = new MenuItem("Copy rows");
                copy.setOnAction(a -> copySelected());
                menu.getItems().add(copy);
                menu.show(row, e.getScreenX(), e.getScreenY());
                e.consume();
            });
            return row;
        });
        KeyCombination copyKeys = new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN);
        nodesTable.setOnKeyPressed(e -> {
            if (copyKeys.match(e)) {
                copySelected();
                e.consume();
            }
        });
    }

    private static TableColumn<PoolNode, String> column(NodesTableViewModel.Column c) {
        TableColumn<PoolNode, String> col = new TableColumn<>(c.header());
        col.setId("col-" + c.header());
        // Wide enough for pgpool-II's header names and typical values; the table scrolls sideways.
        int chars = Math.max(c.header().length(), TYPICAL_CHARS.getOrDefault(c.header(), 0));
        col.setPrefWidth(Math.max(64, chars * 7.5 + 26));
        col.setCellValueFactory(cd -> new ReadOnlyStringWrapper(c.text().apply(cd.getValue())));
        if (NUMERIC.contains(c.header())) {
            col.setComparator(Comparator.comparingDouble(NodesTableView::number));
        }
        if (c.header().equals("status") || c.header().equals("pg_status")) {
            col.setCellFactory(tc -> new TableCell<>() {
                @Override
                protected void updateItem(String item, boolean empty) {
                    super.updateItem(item, empty);
                    getStyleClass().removeIf(s -> s.startsWith("status-cell-"));
                    setText(empty ? null : item);
                    if (!empty && item != null) {
                        getStyleClass().add("status-cell-" + item);
                    }
                }
            });
        }
        return col;
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    @FXML
    private void refreshNow() {
        viewModel.refreshNow();
    }

    /** Copies the selected rows, or all rows when none is selected, in the order shown. */
    @FXML
    void copySelected() {
        List<PoolNode> rows = new ArrayList<>(nodesTable.getSelectionModel().getSelectedItems());
        if (rows.isEmpty()) {
            rows.addAll(nodesTable.getItems());
        }
        ClipboardContent content = new ClipboardContent();
        content.putString(NodesTableViewModel.copyText(rows));
        Clipboard.getSystemClipboard().setContent(content);
    }
}
