package io.tidepool.recovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an online recovery of one node will do, step by step, before anything is touched: the
 * value a dry run returns and the one the recovery runs. Immutable.
 *
 * @param nodeId     the node being recovered
 * @param target     the node in words ({@code node 1 (db2:5432, data directory /var/lib/...)})
 * @param source     the node it is rebuilt from, in words
 * @param method     how
 * @param reasons    why this method (what the probes found), one sentence each
 * @param steps      run in order; the first failing required step ends the run
 * @param onFailure  run (best effort) after a failure of {@code steps}, to leave the node as it was
 * @param fallback   when present, run after {@code onFailure} if {@code steps} failed (pg_rewind → pg_basebackup)
 * @param keptAside  where the node's previous data directory is kept while the plan runs, if anywhere
 */
public record RecoveryPlan(int nodeId, String target, String source, RecoveryMethod method, List<String> reasons,
                           List<PlanStep> steps, List<PlanStep> onFailure, Optional<RecoveryPlan> fallback,
                           Optional<String> keptAside) {

    public RecoveryPlan {
        Objects.requireNonNull(target);
        Objects.requireNonNull(source);
        Objects.requireNonNull(method);
        reasons = List.copyOf(reasons);
        steps = List.copyOf(steps);
        onFailure = List.copyOf(onFailure);
        Objects.requireNonNull(fallback);
        Objects.requireNonNull(keptAside);
    }

    /** Every step that may run, in order: the steps, then the fallback's. */
    public List<PlanStep> allSteps() {
        List<PlanStep> all = new ArrayList<>(steps);
        all.addAll(onFailure);
        fallback.ifPresent(f -> all.addAll(f.allSteps()));
        return all;
    }

    /** The plan as an operator reads it (dry run, confirmation dialog): numbered steps, where each runs, what runs. */
    public String render() {
        StringBuilder text = new StringBuilder();
        render(text, "");
        return text.toString();
    }

    private void render(StringBuilder text, String indent) {
        text.append(indent).append("online recovery of ").append(target).append('\n')
                .append(indent).append("  method: ").append(method.text()).append(" from ").append(source).append('\n');
        for (String reason : reasons) {
            text.append(indent).append("  because ").append(reason).append('\n');
        }
        keptAside.ifPresent(dir -> text.append(indent).append("  the previous data directory is kept at ").append(dir)
                .append(" until the recovery succeeds\n"));
        appendSteps(text, indent, steps);
        if (!onFailure.isEmpty()) {
            text.append(indent).append("  if a step fails:\n");
            appendSteps(text, indent + "  ", onFailure);
        }
        fallback.ifPresent(f -> {
            text.append(indent).append("  if ").append(method.text()).append(" fails, instead:\n");
            f.render(text, indent + "    ");
        });
    }

    private static void appendSteps(StringBuilder text, String indent, List<PlanStep> list) {
        int n = 1;
        for (PlanStep step : list) {
            text.append(indent).append(String.format("  %2d. %s%s  [%s, limit %d s]%n", n++, step.title(),
                    step.required() ? "" : " (clean-up)", step.where(), step.timeout().toSeconds()));
            for (String line : step.shown()) {
                for (String part : line.split("\n")) {
                    text.append(indent).append("        ").append(part).append('\n');
                }
            }
        }
    }
}
