package io.tidepool.routing;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * {@link Set#copyOf} and {@link List#copyOf} without their cost for the small collections a
 * statement's classification and routing decision carry: {@code Set.copyOf} builds a
 * {@code HashSet} and an array even for an empty or one-element source, and every statement
 * builds several (measured: a few per cent of the proxy's CPU per pgbench -S statement). A source
 * that already is one of the JDK's immutable collections ({@code Set.of}, {@code List.of}) is
 * returned as it is, without the iterator a one-element copy would take.
 */
final class ImmutableCopies {

    private static final Class<?> SET_12 = Set.of(1).getClass();
    private static final Class<?> SET_N = Set.of().getClass();
    private static final Class<?> LIST_12 = List.of(1).getClass();
    private static final Class<?> LIST_N = List.of().getClass();

    private ImmutableCopies() {
    }

    @SuppressWarnings("unchecked") // immutable, so reading it as a set of the supertype is safe
    static <T> Set<T> set(Collection<? extends T> source) {
        Class<?> type = source.getClass();
        if (type == SET_12 || type == SET_N) {
            return (Set<T>) source;
        }
        return switch (source.size()) {
            case 0 -> Set.of();
            case 1 -> Set.of(source.iterator().next());
            default -> Set.copyOf(source);
        };
    }

    @SuppressWarnings("unchecked") // immutable, so reading it as a list of the supertype is safe
    static <T> List<T> list(Collection<? extends T> source) {
        Class<?> type = source.getClass();
        if (type == LIST_12 || type == LIST_N) {
            return (List<T>) source;
        }
        return switch (source.size()) {
            case 0 -> List.of();
            case 1 -> List.of(source.iterator().next());
            default -> List.copyOf(source);
        };
    }
}
