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
}
