/**
 * TLS on both faces of the proxy: {@link io.tidepool.auth.tls.ServerTls} for clients (built
 * from pgpool.conf's {@code ssl_*} settings via {@link io.tidepool.auth.tls.TlsSettings},
 * swapped by {@link io.tidepool.auth.tls.ServerTlsHolder} on reload, keeping the old
 * certificate when the new one is broken) and {@link io.tidepool.auth.tls.BackendTls} towards
 * the backends. {@link io.tidepool.auth.tls.OpenSslCipherList} translates OpenSSL cipher
 * strings to JDK suite names. Contexts are built at start and on reload, never on an event
 * loop; sessions only read them.
 */
package io.tidepool.auth.tls;
