package io.tidepool.cluster;

import java.util.Objects;

/**
 * Expands the {@code %} placeholders of {@code failover_command}, {@code failback_command} and
 * {@code follow_primary_command} exactly as pgpool-II does (spec 3.1), so existing scripts get
 * the same arguments: {@code %d %p %m} carry a leading space, a missing new or old node gives the
 * two characters {@code ""}, unknown placeholders vanish, nothing is shell-quoted.
 */
public final class CommandTemplate {

    /** A node as the placeholders see it: id, host, port, data directory. */
    public record Node(int id, String hostname, int port, String dataDirectory) {
        public Node {
            Objects.requireNonNull(hostname, "hostname");
            Objects.requireNonNull(dataDirectory, "dataDirectory");
        }
    }

    /**
     * The values of one command run.
     *
     * @param target      {@code %d %h %p %D}: the failed, attached or following node
     * @param newMain     {@code %m %H %r %R}: the new main node (failover/failback) or new primary (follow primary);
     *                    null when there is none (id -1)
     * @param oldMainId   {@code %M}
     * @param oldPrimary  {@code %P %N %S}; null when there was none
     */
    public record Arguments(Node target, Node newMain, int oldMainId, Node oldPrimary) {
        public Arguments {
            Objects.requireNonNull(target, "target");
        }
    }

    private CommandTemplate() {
    }

    public static String expand(String template, Arguments a) {
        StringBuilder out = new StringBuilder(template.length() + 64);
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 1 == template.length()) {
                break; // a lone '%' at the end is dropped
            }
            char p = template.charAt(++i);
            switch (p) {
                case 'd' -> out.append(' ').append(a.target().id());
                case 'h' -> out.append(a.target().hostname());
                case 'p' -> out.append(' ').append(a.target().port());
                case 'D' -> out.append(a.target().dataDirectory());
                case 'm' -> out.append(' ').append(a.newMain() == null ? -1 : a.newMain().id());
                case 'H' -> out.append(a.newMain() == null ? "\"\"" : a.newMain().hostname());
                case 'r' -> out.append(a.newMain() == null ? "\"\"" : Integer.toString(a.newMain().port()));
                case 'R' -> out.append(a.newMain() == null ? "\"\"" : a.newMain().dataDirectory());
                case 'M' -> out.append(a.oldMainId());
                case 'P' -> out.append(a.oldPrimary() == null ? -1 : a.oldPrimary().id());
                case 'N' -> out.append(a.oldPrimary() == null ? "\"\"" : a.oldPrimary().hostname());
                case 'S' -> out.append(a.oldPrimary() == null ? "\"\"" : Integer.toString(a.oldPrimary().port()));
                case '%' -> out.append('%');
                default -> {
                    // pgpool-II drops unknown placeholders, both characters.
                }
            }
        }
        return out.toString();
    }
}
