package io.tidepool.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedRotationTest {

    private static final List<NodeView> EQUAL = List.of(NodeView.primary(0, 1), NodeView.standby(1, 1),
            NodeView.standby(2, 1));

    private static int[] counts(WeightedRotation rotation, List<NodeView> candidates, int choices,
                                SplittableRandom random) {
        int[] counts = new int[3];
        for (int i = 0; i < choices; i++) {
            counts[rotation.next(candidates, random).id()]++;
        }
        return counts;
    }

    @Test
    void eightSessionsOverThreeEqualNodesAreAlwaysSplitThreeThreeTwo() {
        for (long seed = 0; seed < 1_000; seed++) {
            int[] counts = counts(new WeightedRotation(), EQUAL, 8, new SplittableRandom(seed));
            assertThat(counts).as("seed %d", seed).containsExactlyInAnyOrder(3, 3, 2);
        }
    }

    @Test
    void everyRunOfChoicesKeepsToTheWeightsWithinOneChoice() {
        List<NodeView> nodes = List.of(NodeView.primary(0, 0.1), NodeView.standby(1, 0.2), NodeView.standby(2, 0.7));
        WeightedRotation rotation = new WeightedRotation();
        SplittableRandom random = new SplittableRandom(7);
        int[] counts = new int[3];
        for (int n = 1; n <= 1_000; n++) {
            counts[rotation.next(nodes, random).id()]++;
            for (int id = 0; id < 3; id++) {
                assertThat((double) counts[id]).as("node %d after %d choices", id, n)
                        .isBetween(n * nodes.get(id).weight() - 1, n * nodes.get(id).weight() + 1);
            }
        }
    }

    @Test
    void aHeavierNodeIsInterleavedWithTheOthersRoundByRound() {
        List<NodeView> nodes = List.of(NodeView.primary(0, 2), NodeView.standby(1, 1), NodeView.standby(2, 1));
        WeightedRotation rotation = new WeightedRotation();
        SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 100; round++) {
            int[] ids = {rotation.next(nodes, random).id(), rotation.next(nodes, random).id(),
                    rotation.next(nodes, random).id(), rotation.next(nodes, random).id()};
            assertThat(ids).as("round %d", round).containsExactlyInAnyOrder(0, 0, 1, 2);
            assertThat(ids[1]).as("round %d: the heavier node's two turns are apart", round).isNotZero();
            assertThat(ids[2]).as("round %d: the heavier node's two turns are apart", round).isNotZero();
        }
    }

    @Test
    void equalCreditIsBrokenAtRandomSoRoundsRunInOrdersOfTheirOwn() {
        WeightedRotation rotation = new WeightedRotation();
        SplittableRandom random = new SplittableRandom(11);
        Set<List<Integer>> orders = new HashSet<>();
        for (int round = 0; round < 200; round++) {
            orders.add(List.of(rotation.next(EQUAL, random).id(), rotation.next(EQUAL, random).id(),
                    rotation.next(EQUAL, random).id()));
        }
        assertThat(orders).as("each round covers every node once").allSatisfy(order ->
                assertThat(order).containsExactlyInAnyOrder(0, 1, 2));
        assertThat(orders).as("all six orders of three nodes turn up").hasSize(6);
    }

    @Test
    void aNodeBackFromDownGetsItsShareWithoutCatchingUp() {
        WeightedRotation rotation = new WeightedRotation();
        SplittableRandom random = new SplittableRandom(5);
        counts(rotation, EQUAL, 10, random);
        int[] whileDown = counts(rotation, EQUAL.subList(0, 2), 100, random);
        assertThat(whileDown[2]).isZero();
        int[] after = counts(rotation, EQUAL, 30, random);
        assertThat(after[2]).as("node 2's share of the next 30 choices").isBetween(9, 11);
    }
}
