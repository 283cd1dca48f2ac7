package io.tidepool.routing;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Volatility of functions, per database, for routing when both {@code read_only_function_list} and
 * {@code write_function_list} are empty.
 *
 * <p>The router runs on an event loop and must not wait for a catalog query, so it only asks
 * {@link #cached}: an unknown function sends the statement to the primary (always correct) and
 * starts a background look-up, so later statements are balanced. A session that prefers to wait
 * (exactly pgpool-II's behaviour) calls {@link #resolve} with
 * {@link RoutingDecision#pendingFunctions()} and routes again when the future completes.
 */
public interface FunctionVolatilityLookup {

    /** The volatility if known; otherwise empty, and a look-up may have been started. Never blocks. */
    Optional<FunctionVolatility> cached(String database, String function);

    /** Looks the functions up (off the caller's thread) and completes with every answer. */
    CompletableFuture<Map<String, FunctionVolatility>> resolve(String database, Collection<String> functions);

    /** A fixed answer table (tests, the demo); unknown names are {@link FunctionVolatility#NOT_FOUND}. */
    static FunctionVolatilityLookup fixed(Map<String, FunctionVolatility> byName) {
        return new FunctionVolatilityLookup() {
            @Override
            public Optional<FunctionVolatility> cached(String database, String function) {
                return Optional.of(byName.getOrDefault(function, FunctionVolatility.NOT_FOUND));
            }

            @Override
            public CompletableFuture<Map<String, FunctionVolatility>> resolve(String database, Collection<String> functions) {
                Map<String, FunctionVolatility> out = new java.util.LinkedHashMap<>();
                functions.forEach(f -> out.put(f, byName.getOrDefault(f, FunctionVolatility.NOT_FOUND)));
                return CompletableFuture.completedFuture(out);
            }
        };
    }
}
