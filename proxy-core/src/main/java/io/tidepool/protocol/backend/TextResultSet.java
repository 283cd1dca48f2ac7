package io.tidepool.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A result the proxy answers itself ({@code SHOW pool_*}, {@code PGPOOL SHOW}, {@code PGPOOL
 * EXPLAIN ROUTING}): every column text, every value non-NULL text (spec 2.1). Each part is
 * encoded separately because the extended protocol sends the header at Describe and the rows at
 * Execute, and must not send the header twice.
 *
 * @param columns column names
 * @param rows    values, one list per row, as many as columns
 * @param tag     CommandComplete tag ({@code SELECT 3}, {@code SET})
 */
public record TextResultSet(List<String> columns, List<List<String>> rows, String tag) {

    public TextResultSet {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("row has " + row.size() + " values for " + columns.size() + " columns");
            }
        }
    }

    /** A result set whose tag is {@code SELECT <rows>}. */
    public static TextResultSet of(List<String> columns, List<List<String>> rows) {
        return new TextResultSet(columns, rows, "SELECT " + rows.size());
    }

    /** A command without rows ({@code PGPOOL SET}): only CommandComplete. */
    public static TextResultSet command(String tag) {
        return new TextResultSet(List.of(), List.of(), tag);
    }

    public boolean hasRows() {
        return !columns.isEmpty();
    }

    /**
     * RowDescription: table OID 0, column number = index, type OID 0, size -1, modifier 0, text
     * format, as pgpool-II describes its own results. Ownership: {@code out} stays the caller's.
     */
    public void encodeRowDescription(ByteBuf out) {
        int length = Frames.begin(out, MessageType.ROW_DESCRIPTION);
        out.writeShort(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            CStrings.write(out, columns.get(i));
            out.writeInt(0);          // table OID
            out.writeShort(i);        // column number
            out.writeInt(0);          // type OID
            out.writeShort(-1);       // type size
            out.writeInt(0);          // type modifier
            out.writeShort(0);        // text format
        }
        Frames.end(out, length);
    }

    /** The DataRows then CommandComplete. Ownership: {@code out} stays the caller's. */
    public void encodeRowsAndCompletion(ByteBuf out) {
        for (List<String> row : rows) {
            int length = Frames.begin(out, MessageType.DATA_ROW);
            out.writeShort(row.size());
            for (String value : row) {
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                out.writeInt(bytes.length);
                out.writeBytes(bytes);
            }
            Frames.end(out, length);
        }
        new CommandComplete(tag).encode(out);
    }

    /** The simple-protocol answer without ReadyForQuery: header (when there are columns), rows, completion. */
    public void encode(ByteBuf out) {
        if (hasRows()) {
            encodeRowDescription(out);
        }
        encodeRowsAndCompletion(out);
    }
}
