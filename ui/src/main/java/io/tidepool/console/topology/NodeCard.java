package io.tidepool.console.topology;

import io.tidepool.console.client.PoolNode;

import java.util.List;

/**
 * What one topology card shows, already in words. {@code statusStyle} is the CSS class that
 * colours the card ({@code status-up}, {@code status-down}, ...); colour is never the only cue,
 * the status word is always printed too.
 */
public record NodeCard(
        PoolNode node,
        String title,
        String roleText,
        String statusText,
        String statusStyle,
        String replicationText,
        String weightText,
        String selectText,
        boolean loadBalanceNode,
        List<String> warnings) {

    public NodeCard {
        warnings = List.copyOf(warnings);
    }

    public int nodeId() {
        return node.nodeId();
    }
}
