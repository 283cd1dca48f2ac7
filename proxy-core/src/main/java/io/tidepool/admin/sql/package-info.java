/**
 * The {@code SHOW pool_*} answers that describe the cluster (spec 2.2), as pure functions from a
 * {@link io.tidepool.cluster.ClusterSnapshot} (and counters the sessions keep) to
 * {@link io.tidepool.admin.sql.AdminResult}s: column names, order and value formats as pgpool-II's,
 * so scripts written for pgpool-II parse them. The session layer sends them as RowDescription, DataRows,
 * CommandComplete; these classes know nothing of the wire.
 */
package io.tidepool.admin.sql;
