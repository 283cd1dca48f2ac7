package io.tidepool.routing;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Load-balance choices that keep to the weights from the first session on: a smooth weighted
 * round-robin. Each choice adds every candidate's weight to its credit, takes the candidate with
 * the most credit and takes the candidates' total weight from it. Over any run of choices a node
 * gets its weight's share, give or take one choice, and the choices interleave (weights 2:1:1 give
 * rounds like 0 1 2 0, the heavier node's turns apart) instead of coming in runs as random draws do.
 *
 * <p>Equal credit, as at the start and with equal weights, is broken at random, so each round runs
 * in an order of its own and an application that opens its sessions in a fixed pattern (one for
 * reads, one for reports, ...) is not tied to the same nodes round after round.
 *
 * <p>pgpool-II draws each session's node at random by weight instead, which only evens out over
 * many sessions: of eight sessions over three equal nodes, as a small application pool keeps, one
 * node gets four or more three times in four. Here they are always 3/3/2.
 *
 * <p>A node that is not a candidate (down, weight 0, past a redirect) keeps its credit until it is
 * one again. One instance is shared by every session of a proxy, on every event loop; a choice
 * takes a lock for a few additions.
 */
final class WeightedRotation {
    /** Credits closer than this share of the total weight count as equal. */
    private static final double TIE = 1e-9;

    private double[] credit = new double[8];

    /**
     * The next node of the rotation among {@code candidates} (each with a weight above 0).
     *
     * @param random breaks ties between nodes with equal credit
     */
    synchronized NodeView next(List<NodeView> candidates, RandomGenerator random) {
        double total = 0;
        for (NodeView n : candidates) {
            ensureRoom(n.id());
            credit[n.id()] += n.weight();
            total += n.weight();
        }
        NodeView best = null;
        int tied = 0;
        for (NodeView n : candidates) {
            double c = credit[n.id()];
            if (best == null || c > credit[best.id()] + TIE * total) {
                best = n;
                tied = 1;
            } else if (c >= credit[best.id()] - TIE * total && random.nextInt(++tied) == 0) {
                best = n; // reservoir choice: each of the tied nodes with the same chance
            }
        }
        credit[best.id()] -= total;
        return best;
    }

    private void ensureRoom(int id) {
        if (id >= credit.length) {
            credit = Arrays.copyOf(credit, Math.max(id + 1, credit.length * 2));
        }
    }
}
