package io.tidepool.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One entry of {@code database_redirect_preference_list}, {@code app_name_redirect_preference_list}
 * or {@code user_redirect_preference_list}: {@code name:target} or {@code name:target(weight)}.
 *
 * <p>The name is a regular expression matched against the whole name (pgpool-II anchors it). The
 * target is {@code primary}, {@code standby} (any standby, chosen by backend weight) or a node id.
 * The weight (0..1, default 1) is the share of load-balance choices that go to the target; the
 * rest are balanced over the other nodes.
 */
public record RedirectRule(Pattern name, Target target, int nodeId, double weight, String source) {

    /** Where a matching session's reads are redirected. */
    public enum Target { PRIMARY, STANDBY, NODE }

    public RedirectRule {
        if (weight < 0 || weight > 1 || Double.isNaN(weight)) {
            throw new IllegalArgumentException("redirect weight " + weight + " in '" + source + "' is outside 0..1");
        }
    }

    public boolean matches(String value) {
        return value != null && name.matcher(value).matches();
    }

    /**
     * Parses a whole list such as {@code postgres:primary,mydb[01]:1,mydb2:standby(0.3)}.
     *
     * @throws IllegalArgumentException naming the parameter and the bad entry
     */
    public static List<RedirectRule> parseList(String parameter, String value) {
        List<RedirectRule> rules = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return List.of();
        }
        for (String raw : value.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException(parameter + ": entry '" + entry
                        + "' is not name:node (node is primary, standby or a node id)");
            }
            String name = entry.substring(0, colon).trim();
            String targetText = entry.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            double weight = 1.0;
            int open = targetText.indexOf('(');
            if (open >= 0) {
                if (!targetText.endsWith(")")) {
                    throw new IllegalArgumentException(parameter + ": entry '" + entry + "' has an unclosed weight");
                }
                String w = targetText.substring(open + 1, targetText.length() - 1).trim();
                try {
                    weight = Double.parseDouble(w);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(parameter + ": weight '" + w + "' in '" + entry
                            + "' is not a number between 0 and 1");
                }
                targetText = targetText.substring(0, open).trim();
            }
            Target target;
            int nodeId = -1;
            if (targetText.equals("primary")) {
                target = Target.PRIMARY;
            } else if (targetText.equals("standby")) {
                target = Target.STANDBY;
            } else {
                try {
                    nodeId = Integer.parseInt(targetText);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(parameter + ": node '" + targetText + "' in '" + entry
                            + "' is not primary, standby or a node id");
                }
                if (nodeId < 0) {
                    throw new IllegalArgumentException(parameter + ": node id " + nodeId + " in '" + entry + "' is negative");
                }
                target = Target.NODE;
            }
            rules.add(new RedirectRule(anchored(parameter, name), target, nodeId, weight, entry));
        }
        return List.copyOf(rules);
    }

    /** pgpool-II anchors list regexes at both ends; so do we. */
    static Pattern anchored(String parameter, String regex) {
        try {
            return Pattern.compile("^(?:" + regex + ")$");
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(parameter + ": '" + regex + "' is not a valid regular expression: "
                    + e.getDescription());
        }
    }
}
