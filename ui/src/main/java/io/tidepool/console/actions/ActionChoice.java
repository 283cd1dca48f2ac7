package io.tidepool.console.actions;

import io.tidepool.console.client.NodeAction;

import java.util.Optional;

/** One entry of a node's action menu: enabled, or disabled with the reason shown beside it. */
public record ActionChoice(NodeAction action, boolean enabled, Optional<String> disabledReason) {

    /** Menu text; a disabled entry carries its reason so the operator need not guess. */
    public String menuText() {
        return disabledReason.map(r -> action.label() + " \u2014 " + r).orElse(action.label() + "\u2026");
    }
}
