package io.tidepool.routing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImmutableCopiesTest {

    @Test
    void copiesAreEqualUnmodifiableAndIndependentOfTheirSourceAtEverySize() {
        for (int size = 0; size <= 3; size++) {
            Set<String> set = new LinkedHashSet<>();
            List<Integer> list = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                set.add("t" + i);
                list.add(i);
            }
            Set<String> setCopy = ImmutableCopies.set(set);
            List<Integer> listCopy = ImmutableCopies.list(list);
            assertThat(setCopy).isEqualTo(set);
            assertThat(listCopy).isEqualTo(list);
            set.add("later");
            list.add(99);
            assertThat(setCopy).as("size %d", size).hasSize(size).doesNotContain("later");
            assertThat(listCopy).as("size %d", size).hasSize(size).doesNotContain(99);
            assertThatThrownBy(() -> setCopy.add("x")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> listCopy.add(1)).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void immutableSourcesAreReturnedAsTheyAre() {
        for (Set<String> set : List.of(Set.<String>of(), Set.of("a"), Set.of("a", "b"), Set.of("a", "b", "c"))) {
            assertThat(ImmutableCopies.set(set)).isSameAs(set);
        }
        for (List<Integer> list : List.of(List.<Integer>of(), List.of(1), List.of(1, 2), List.of(1, 2, 3))) {
            assertThat(ImmutableCopies.list(list)).isSameAs(list);
        }
    }

    @Test
    void viewsOfMutableCollectionsAreCopied() {
        Set<String> backing = new LinkedHashSet<>(List.of("a"));
        Set<String> view = java.util.Collections.unmodifiableSet(backing);
        Set<String> copy = ImmutableCopies.set(view);
        backing.add("b");
        assertThat(copy).containsExactly("a");
        List<Integer> sub = List.of(1, 2, 3).subList(0, 2);
        assertThat(ImmutableCopies.list(sub)).isNotSameAs(sub).containsExactly(1, 2);
    }
}
