package io.tidepool.config;

/** One {@code backend_*N} block of pgpool.conf. */
public record BackendDefinition(
        int id,
        String hostname,
        int port,
        double weight,
        String dataDirectory,
        BackendFlag flag,
        String applicationName) {
}
