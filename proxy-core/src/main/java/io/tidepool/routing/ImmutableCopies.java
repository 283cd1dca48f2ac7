package io.tidepool.routing;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * {@link Set#copyOf} and {@link List#copyOf} without their cost for the small collections a
 * statement's classification and routing decision carry: {@code Set.copyOf} builds a
 * {@code HashSet} and an array even for an empty or one-element source, and every statement
 * builds several (measured: a few per cent of the proxy's CPU per pgbench -S statement).
 */
final class ImmutableCopies {

    private ImmutableCopies() {
    }

    static <T> Set<T> set(Collection<? extends T> source) {
        return switch (source.size()) {
            case 0 -> Set.of();
            case 1 -> Set.of(source.iterator().next());
            default -> Set.copyOf(source);
        };
    }

    static <T> List<T> list(Collection<? extends T> source) {
        return switch (source.size()) {
            case 0 -> List.of();
            case 1 -> List.of(source.iterator().next());
            default -> List.copyOf(source);
        };
    }
}
