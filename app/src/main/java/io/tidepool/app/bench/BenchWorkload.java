package io.tidepool.app.bench;

import java.util.List;

/** A pgbench built-in script. */
enum BenchWorkload {
    /** {@code -S}: one primary-key SELECT per transaction; a load balancer may send it to any node. */
    SELECT_ONLY("select-only", List.of("-S")),
    /**
     * pgbench's default script: BEGIN, three UPDATEs, a SELECT and an INSERT, END; every
     * statement belongs on the primary.
     */
    TPCB_LIKE("tpcb-like", List.of());

    private final String title;
    private final List<String> options;

    BenchWorkload(String title, List<String> options) {
        this.title = title;
        this.options = options;
    }

    /** As pgbench names the script ({@code -b}), and as the table shows it. */
    String title() {
        return title;
    }

    /** pgbench options that select the script. */
    List<String> options() {
        return options;
    }
}
