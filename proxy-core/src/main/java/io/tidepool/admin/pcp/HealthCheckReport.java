package io.tidepool.admin.pcp;

import java.util.List;

/**
 * Health-check statistics of one node as a server reported them: the 20 values of spec 1.7.4,
 * already formatted by the server, in wire order.
 */
public record HealthCheckReport(List<String> values) {

    public static final int FIELD_COUNT = 20;

    public HealthCheckReport {
        values = List.copyOf(values);
        if (values.size() != FIELD_COUNT) {
            throw new IllegalArgumentException("health check stats have " + values.size() + " values, expected "
                    + FIELD_COUNT);
        }
    }

    public String nodeId() {
        return values.get(0);
    }

    public String hostname() {
        return values.get(1);
    }

    public String status() {
        return values.get(3);
    }

    public String totalCount() {
        return values.get(6);
    }
}
