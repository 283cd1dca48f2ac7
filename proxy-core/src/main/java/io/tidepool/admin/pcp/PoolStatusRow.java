package io.tidepool.admin.pcp;

import java.util.Objects;

/** One row of pcp_pool_status and SHOW pool_status (spec 1.7.7, Appendix A). */
public record PoolStatusRow(String name, String value, String description) {

    public PoolStatusRow {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(description, "description");
    }
}
