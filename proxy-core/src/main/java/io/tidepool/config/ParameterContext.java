package io.tidepool.config;

/**
 * When a new value of a parameter takes effect. pgpool-II calls these contexts INIT, RELOAD and
 * SESSION; a SESSION parameter is also reloadable.
 */
public enum ParameterContext {
    /** Read once at start-up; a changed value needs a restart. */
    RESTART,
    /** Applied by a reload ({@code ./tidepool reload}, {@code pcp_reload_config}, SIGHUP). */
    RELOAD,
    /** Applied by a reload and also changeable per session with {@code PGPOOL SET} (spec 2.3). */
    SESSION;

    public boolean appliesOnReload() {
        return this != RESTART;
    }
}
