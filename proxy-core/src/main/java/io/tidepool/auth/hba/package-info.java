/**
 * pool_hba.conf: {@link io.tidepool.auth.hba.PoolHba} parses it (PostgreSQL's pg_hba.conf
 * syntax, errors with file:line) and picks the first rule that matches a
 * {@link io.tidepool.auth.hba.HbaClient}; {@link io.tidepool.auth.hba.PoolHbaHolder} swaps the
 * rules on reload and keeps the old ones when the new file is broken.
 *
 * <p>{@code enable_pool_hba = off}: no rule applies; with one backend (or raw mode) the session
 * relays the backend's authentication, with several the proxy authenticates the client with the
 * method the main backend asks for, using pool_passwd (see
 * {@link io.tidepool.auth.AuthenticationServices}). That is pgpool-II's behaviour.
 */
package io.tidepool.auth.hba;
