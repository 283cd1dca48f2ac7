package io.tidepool.session;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeMapTest {
    private final NodeMap<String> map = new NodeMap<>();

    private List<String> values() {
        List<String> out = new ArrayList<>();
        map.forEach(out::add);
        return out;
    }

    @Test
    void valuesAreFoundByIdAndIteratedInAscendingIdOrder() {
        map.put(2, "two");
        map.put(0, "zero");
        assertThat(map.get(0)).isEqualTo("zero");
        assertThat(map.get(1)).isNull();
        assertThat(map.get(2)).isEqualTo("two");
        assertThat(values()).containsExactly("zero", "two");
    }

    @Test
    void idsBeyondTheInitialSizeGrowTheMapAndUnknownIdsAreAbsent() {
        map.put(1, "one");
        map.put(127, "last");
        assertThat(map.get(127)).isEqualTo("last");
        assertThat(map.get(128)).isNull();
        assertThat(map.get(-1)).isNull();
        assertThat(values()).containsExactly("one", "last");
    }

    @Test
    void removedAndClearedValuesAreGone() {
        map.put(0, "zero");
        map.put(1, "one");
        map.remove(0);
        map.remove(99);
        assertThat(values()).containsExactly("one");
        map.clear();
        assertThat(values()).isEmpty();
        assertThat(map.get(1)).isNull();
    }

    @Test
    void aValueRemovedWhileIteratingIsNotVisitedAndNothingThrows() {
        map.put(0, "zero");
        map.put(1, "one");
        map.put(2, "two");
        List<String> seen = new ArrayList<>();
        for (String v : map) {
            seen.add(v);
            map.remove(2);
        }
        assertThat(seen).containsExactly("zero", "one");
    }

    @Test
    void aNegativeIdIsRejected() {
        assertThatThrownBy(() -> map.put(-1, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
