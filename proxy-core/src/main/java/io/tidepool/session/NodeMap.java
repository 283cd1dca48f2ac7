package io.tidepool.session;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A map from node id to {@code T}, kept in an array: node ids are small ({@code backend_hostname0}
 * up to 127) and a session looks its link up for nearly every client message, which a map of boxed
 * ids makes cost a hash look-up. Iteration runs in ascending node id. Null values are absent.
 *
 * <p>Not thread-safe (a session's links live on its event loop).
 */
final class NodeMap<T> implements Iterable<T> {
    private Object[] byId = new Object[4];

    /** The value of node {@code id}, or null. */
    @SuppressWarnings("unchecked")
    T get(int id) {
        return id >= 0 && id < byId.length ? (T) byId[id] : null;
    }

    void put(int id, T value) {
        if (id < 0) {
            throw new IllegalArgumentException("node id " + id + " is negative");
        }
        if (id >= byId.length) {
            byId = Arrays.copyOf(byId, Math.max(id + 1, byId.length * 2));
        }
        byId[id] = value;
    }

    void remove(int id) {
        if (id >= 0 && id < byId.length) {
            byId[id] = null;
        }
    }

    void clear() {
        Arrays.fill(byId, null);
    }

    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private int next = advance(0);

            private int advance(int from) {
                int i = from;
                while (i < byId.length && byId[i] == null) {
                    i++;
                }
                return i;
            }

            @Override
            public boolean hasNext() {
                return next < byId.length;
            }

            @Override
            @SuppressWarnings("unchecked")
            public T next() {
                if (next >= byId.length) {
                    throw new NoSuchElementException();
                }
                T value = (T) byId[next];
                next = advance(next + 1);
                return value;
            }
        };
    }
}
