package io.tidepool.console.actions;

import io.tidepool.console.client.NodeAction;
import io.tidepool.console.client.PoolNode;

import java.util.List;

/**
 * What an action will do, shown in the confirmation dialog before anything is sent.
 *
 * @param headline one sentence: the action and its target
 * @param effects  what will happen, in order, one sentence each
 * @param caution  the risk to weigh, may be empty
 */
public record ActionPlan(NodeAction action, PoolNode node, String title, String headline,
                         List<String> effects, String caution, String confirmLabel) {

    public ActionPlan {
        effects = List.copyOf(effects);
    }

    /** The whole plan as text, for the dialog body and the operator journal. */
    public String text() {
        StringBuilder sb = new StringBuilder(headline).append("\n");
        for (String e : effects) {
            sb.append("\n\u2022 ").append(e);
        }
        if (!caution.isEmpty()) {
            sb.append("\n\n").append(caution);
        }
        return sb.toString();
    }
}
