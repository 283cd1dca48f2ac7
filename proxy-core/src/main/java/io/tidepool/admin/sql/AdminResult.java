package io.tidepool.admin.sql;

import java.util.List;

/**
 * The answer to one {@code SHOW pool_*} command: column names and rows of text values, ready to be
 * sent as RowDescription + DataRows (spec 2.1: every value is text, none is NULL).
 */
public record AdminResult(List<String> columns, List<List<String>> rows) {

    public AdminResult {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("row has " + row.size() + " values for " + columns.size() + " columns");
            }
        }
    }

    /** The tag of the CommandComplete message: {@code SELECT <rows>}. */
    public String commandTag() {
        return "SELECT " + rows.size();
    }
}
