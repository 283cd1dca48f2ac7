package io.tidepool.config;

import java.util.Optional;

/**
 * A parameter name that older pgpool-II releases used. Files that still carry it load with a
 * warning, never an error.
 *
 * @param name        the old name (without index when {@code indexed})
 * @param replacement the name that took its place, if any
 * @param carriedOver whether the value is applied to {@code replacement} (same meaning) or the line
 *                    is ignored (the model changed, e.g. {@code master_slave_mode})
 * @param indexed     whether the old name carried a node index ({@code other_pgpool_hostname0})
 * @param note        what happened, in a few words ({@code renamed in pgpool-II 4.7})
 */
public record DeprecatedName(String name, Optional<String> replacement, boolean carriedOver, boolean indexed,
                             String note) {

    static DeprecatedName renamed(String name, String replacement, String note) {
        return new DeprecatedName(name, Optional.of(replacement), true, false, note);
    }

    static DeprecatedName replaced(String name, String replacement, String note) {
        return new DeprecatedName(name, Optional.of(replacement), false, false, note);
    }

    static DeprecatedName replacedIndexed(String name, String replacement, String note) {
        return new DeprecatedName(name, Optional.of(replacement), false, true, note);
    }

    static DeprecatedName removed(String name, String note) {
        return new DeprecatedName(name, Optional.empty(), false, false, note);
    }

    /** The warning for a file line using this name (index already part of {@code usedName}). */
    String warning(String usedName, String replacementWithIndex) {
        if (carriedOver) {
            return "parameter '" + usedName + "' is deprecated (" + note + "); its value is applied to '"
                    + replacementWithIndex + "'; rename it";
        }
        return replacement
                .map(r -> "parameter '" + usedName + "' is no longer supported (" + note + "); line ignored; use '"
                        + r + "' instead")
                .orElse("parameter '" + usedName + "' is no longer supported (" + note + "); line ignored");
    }
}
