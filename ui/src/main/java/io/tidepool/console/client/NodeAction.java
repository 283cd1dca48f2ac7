package io.tidepool.console.client;

/** What an operator can ask of a node. */
public enum NodeAction {
    ATTACH("Attach", "attach"),
    DETACH("Detach", "detach"),
    DETACH_GRACEFULLY("Detach gracefully", "detach gracefully"),
    PROMOTE("Promote", "promote"),
    SWITCHOVER("Switchover", "switch over to"),
    RECOVER("Recover", "recover");

    private final String label;
    private final String verb;

    NodeAction(String label, String verb) {
        this.label = label;
        this.verb = verb;
    }

    /** Menu and button text. */
    public String label() {
        return label;
    }

    /** Lower-case verb for sentences: "could not detach node 1". */
    public String verb() {
        return verb;
    }
}
