package io.tidepool.routing;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A bounded, expiring cache of catalog answers keyed by database and name, loaded on an executor.
 * Failed look-ups are not kept (Caffeine drops failed futures), so the next statement retries.
 */
final class CatalogCache<V> {

    record Key(String database, String name) {
    }

    /** Loads one answer; runs on the cache's executor. */
    @FunctionalInterface
    interface Loader<V> {
        V load(String database, String name) throws Exception;
    }

    private final AsyncLoadingCache<Key, V> cache;

    CatalogCache(Loader<V> loader, Executor executor, long maximumEntries, Duration timeToLive) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumEntries)
                // Past the time to live an answer is loaded again in the background while the old one
                // still serves (a hot statement never falls back to the primary for it); an answer
                // nobody asked for in twice that time is dropped.
                .refreshAfterWrite(timeToLive)
                .expireAfterWrite(timeToLive.multipliedBy(2))
                .executor(executor)
                .buildAsync(key -> loader.load(key.database(), key.name()));
    }

    /** The answer if loaded; otherwise empty, after starting the load. Never blocks. */
    Optional<V> cached(String database, String name) {
        Key key = new Key(database, name);
        CompletableFuture<V> future = cache.getIfPresent(key);
        if (future == null) {
            cache.get(key);
            return Optional.empty();
        }
        if (future.isDone() && !future.isCompletedExceptionally()) {
            return Optional.ofNullable(future.getNow(null));
        }
        return Optional.empty();
    }

    CompletableFuture<V> get(String database, String name) {
        return cache.get(new Key(database, name));
    }
}
