/**
 * pgpool.conf: the parameter catalog, the parser, validation, the loaded {@link io.tidepool.config.PgpoolConfig},
 * the reload diff and the {@code SHOW pool_status} rows.
 *
 * <h2>How the pieces fit</h2>
 * <ul>
 *   <li>{@link io.tidepool.config.ParameterCatalog} holds every parameter of pgpool-II 4.7's sample configuration
 *       and Tidepool's own settings ({@link io.tidepool.config.Parameter}); one small class per group defines
 *       them ({@code ConnectionParameters}, {@code LoggingParameters}, ..., {@code TidepoolParameters}).</li>
 *   <li>{@code ConfigFileParser} + {@code LineScanner} read the syntax (PostgreSQL's GUC file syntax, includes);
 *       {@code ConfigAssembler} looks names up and types values; {@code ConfigChecks} does the cross-parameter
 *       checks and builds the backend list; {@code ConfigLoader} ties them together.</li>
 *   <li>{@link io.tidepool.config.ConfigDiff} says what a reload applies and what needs a restart.</li>
 *   <li>{@link io.tidepool.config.PoolStatusReport} renders {@code SHOW pool_status} / {@code pcp_pool_status};
 *       {@link io.tidepool.config.PgpoolConfig#showValue} formats {@code PGPOOL SHOW} values.</li>
 *   <li>{@link io.tidepool.config.SampleConfigWriter} generates {@code assets/pgpool.conf} and
 *       {@code assets/tidepool.conf}; a test keeps them equal to the catalog.</li>
 * </ul>
 *
 * <h2>Decisions where Tidepool differs from pgpool-II</h2>
 * <ul>
 *   <li>{@code port} and {@code pcp_port} accept 0..65535 (pgpool-II: 1024..65535); 0 lets the system pick a
 *       free port, which tests and embedded engines use.</li>
 *   <li>A backend slot exists when its host or its port is set; a host without port uses 5432 with a warning
 *       (pgpool-II leaves such a slot unused). Two slots naming one server are an error.</li>
 *   <li>No backend at all loads (the packaged pgpool.conf has none); the server calls
 *       {@link io.tidepool.config.PgpoolConfig#requireBackends()} before serving.</li>
 *   <li>Unknown names are warnings with a "did you mean"; old names load with a warning naming their
 *       replacement; a name set twice keeps the later value, with a warning.</li>
 *   <li>{@code SHOW pool_status} descriptions are our own words and passwords print as {@code *****}.</li>
 *   <li>Tidepool-only settings are read from {@code tidepool.conf} next to pgpool.conf (pgpool.conf is accepted
 *       too), so pgpool.conf stays usable by pgpool-II.</li>
 * </ul>
 */
package io.tidepool.config;
