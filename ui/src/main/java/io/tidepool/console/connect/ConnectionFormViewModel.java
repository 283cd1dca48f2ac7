package io.tidepool.console.connect;

import io.tidepool.console.client.ClusterClientKind;
import io.tidepool.console.connections.ConnectionProfile;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The "new connection" form: fields as typed, validation in words, and the profile it makes.
 * Passwords are optional and never saved; empty means {@code ~/.pgpass} / {@code ~/.pcppass}.
 */
public final class ConnectionFormViewModel {

    private final StringProperty name = new SimpleStringProperty("");
    private final ObjectProperty<ClusterClientKind> kind = new SimpleObjectProperty<>(ClusterClientKind.REMOTE_PGPOOL);
    private final StringProperty host = new SimpleStringProperty("127.0.0.1");
    private final StringProperty port = new SimpleStringProperty("9999");
    private final StringProperty database = new SimpleStringProperty("postgres");
    private final StringProperty user = new SimpleStringProperty(System.getProperty("user.name", "postgres"));
    private final StringProperty password = new SimpleStringProperty("");
    private final StringProperty pcpPort = new SimpleStringProperty("9898");
    private final StringProperty pcpUser = new SimpleStringProperty(System.getProperty("user.name", "postgres"));
    private final StringProperty pcpPassword = new SimpleStringProperty("");
    private final StringBinding problems;
    private final BooleanBinding valid;

    public ConnectionFormViewModel() {
        problems = Bindings.createStringBinding(() -> String.join("\n", validate()),
                name, kind, host, port, database, user, pcpPort, pcpUser);
        valid = problems.isEmpty();
    }

    /** Every problem with the fields, one sentence each; empty when the form can be used. */
    public List<String> validate() {
        List<String> p = new ArrayList<>();
        if (name.get().isBlank()) {
            p.add("give the connection a name");
        }
        if (host.get().isBlank()) {
            p.add("the host is empty");
        }
        checkPort(p, "port", port.get(), false);
        if (database.get().isBlank()) {
            p.add("the database is empty (pgpool-II answers SHOW pool_nodes in any database)");
        }
        if (user.get().isBlank()) {
            p.add("the user is empty");
        }
        checkPort(p, "PCP port", pcpPort.get(), true);
        if (!pcpPort.get().isBlank() && pcpUser.get().isBlank()) {
            p.add("the PCP user is empty");
        }
        return p;
    }

    private static void checkPort(List<String> problems, String what, String text, boolean optional) {
        if (text == null || text.isBlank()) {
            if (!optional) {
                problems.add("the " + what + " is empty");
            }
            return;
        }
        try {
            int v = Integer.parseInt(text.trim());
            if (v < 1 || v > 65535) {
                problems.add("the " + what + " " + v + " is outside 1..65535");
            }
        } catch (NumberFormatException e) {
            problems.add("the " + what + " '" + text.trim() + "' is not a number");
        }
    }

    /** The profile these fields describe. @throws IllegalStateException when invalid */
    public ConnectionProfile toProfile() {
        List<String> p = validate();
        if (!p.isEmpty()) {
            throw new IllegalStateException(String.join("; ", p));
        }
        int pcp = pcpPort.get().isBlank() ? 0 : Integer.parseInt(pcpPort.get().trim());
        return new ConnectionProfile(name.get().trim(), kind.get(), host.get().trim(), Integer.parseInt(port.get().trim()),
                database.get().trim(), user.get().trim(), pcp, pcpUser.get().trim());
    }

    /** Fills the fields from a saved profile (passwords stay empty). */
    public void load(ConnectionProfile p) {
        name.set(p.name());
        kind.set(p.kind());
        host.set(p.host());
        port.set(Integer.toString(p.port()));
        database.set(p.database());
        user.set(p.user());
        pcpPort.set(p.pcpPort() > 0 ? Integer.toString(p.pcpPort()) : "");
        pcpUser.set(p.pcpUser());
        password.set("");
        pcpPassword.set("");
    }

    public Optional<String> typedPassword() {
        return password.get().isEmpty() ? Optional.empty() : Optional.of(password.get());
    }

    public Optional<String> typedPcpPassword() {
        return pcpPassword.get().isEmpty() ? Optional.empty() : Optional.of(pcpPassword.get());
    }

    public StringProperty nameProperty() { return name; }
    public ObjectProperty<ClusterClientKind> kindProperty() { return kind; }
    public StringProperty hostProperty() { return host; }
    public StringProperty portProperty() { return port; }
    public StringProperty databaseProperty() { return database; }
    public StringProperty userProperty() { return user; }
    public StringProperty passwordProperty() { return password; }
    public StringProperty pcpPortProperty() { return pcpPort; }
    public StringProperty pcpUserProperty() { return pcpUser; }
    public StringProperty pcpPasswordProperty() { return pcpPassword; }
    public StringBinding problemsBinding() { return problems; }
    public BooleanBinding validBinding() { return valid; }
}
