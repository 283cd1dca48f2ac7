package io.tidepool.routing;

/** {@code pg_proc.provolatile} of a function name (the most volatile of its overloads). */
public enum FunctionVolatility {
    IMMUTABLE, STABLE, VOLATILE,
    /** No function of that name exists; nothing it does can write. */
    NOT_FOUND;

    /** A volatile function may write, so pgpool-II treats it as a writing function. */
    public boolean mayWrite() {
        return this == VOLATILE;
    }
}
