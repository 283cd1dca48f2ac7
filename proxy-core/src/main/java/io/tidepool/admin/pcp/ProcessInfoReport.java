package io.tidepool.admin.pcp;

import java.util.List;

/**
 * One process-info row as a server reported it (spec 1.7.6): the values in wire order, as many
 * as the server sent (17 for 4.3/4.4 servers, 18 for 4.5/4.6, 21 from 4.7).
 */
public record ProcessInfoReport(List<String> values) {

    public ProcessInfoReport {
        values = List.copyOf(values);
    }

    /** The value of wire field {@code n} (1-based, as numbered in the spec), empty when not sent. */
    public String field(int n) {
        return n >= 1 && n <= values.size() ? values.get(n - 1) : "";
    }

    public String pid() {
        return field(1);
    }

    public String database() {
        return field(6);
    }

    public String username() {
        return field(7);
    }
}
