package io.tidepool.auth.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;

/**
 * The TLS context in force for new client connections; reload swaps it. A reload whose new
 * certificate, key or CA cannot be used keeps the old context (an error is logged) so the proxy
 * keeps serving TLS clients. Sessions read it once, when they answer an SSLRequest.
 */
public final class ServerTlsHolder {

    private static final Logger log = LoggerFactory.getLogger(ServerTlsHolder.class);

    private volatile Optional<ServerTls> current;

    private ServerTlsHolder(Optional<ServerTls> current) {
        this.current = current;
    }

    /** At start: {@code ssl = off} gives a holder that answers 'N'; a broken setting stops the start. */
    public static ServerTlsHolder load(TlsSettings settings) throws TlsConfigException {
        return new ServerTlsHolder(settings.enabled() ? Optional.of(ServerTls.build(settings)) : Optional.empty());
    }

    /** Empty while {@code ssl} is off: the session answers an SSLRequest with 'N'. */
    public Optional<ServerTls> current() {
        return current;
    }

    /**
     * Rebuilds from new settings. Returns true when they are in force; false when they could
     * not be used and the previous context stays (logged at error level).
     */
    public boolean reload(TlsSettings settings) {
        Objects.requireNonNull(settings, "settings");
        if (!settings.enabled()) {
            current = Optional.empty();
            return true;
        }
        try {
            current = Optional.of(ServerTls.build(settings));
            log.info("TLS certificate and settings reloaded");
            return true;
        } catch (TlsConfigException e) {
            log.error("TLS not reloaded, the previous certificate stays in use: {}", e.getMessage());
            return false;
        }
    }
}
