package io.tidepool.admin.pcp;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node-info packet layouts of the pgpool-II client generations (spec 1.7.3, 1.8). PCP has
 * no version negotiation and a client reads fields by position, so the server must be told
 * which generation it serves (setting {@code pcp_client_version}).
 */
public enum NodeInfoLayout {
    /** 4.2.0–4.2.7: one {@code i} packet, 9 fields (no quarantine, actual status or role). */
    V4_2_0(false, false, false, false),
    /** 4.2.8–4.2.x: as 4.2.0 plus the quarantine flag. */
    V4_2_8(false, true, false, false),
    /** 4.3.0: several packets, 11 fields (actual status and role, no quarantine). */
    V4_3_0(true, false, true, false),
    /** 4.3.1–4.3.x (Debian 12): 12 fields. */
    V4_3(true, true, true, false),
    /** 4.4 and later: 13 fields, with the delay-by-time flag. */
    V4_4(true, true, true, true);

    /** The layout used when nothing is configured. */
    public static final NodeInfoLayout NEWEST = V4_4;

    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    private final boolean multiPacket;
    private final boolean quarantine;
    private final boolean actualStatusAndRole;
    private final boolean delayByTime;

    NodeInfoLayout(boolean multiPacket, boolean quarantine, boolean actualStatusAndRole, boolean delayByTime) {
        this.multiPacket = multiPacket;
        this.quarantine = quarantine;
        this.actualStatusAndRole = actualStatusAndRole;
        this.delayByTime = delayByTime;
    }

    /** ArraySize + one NodeInfo per node + CommandComplete, rather than one CommandComplete packet. */
    public boolean multiPacket() {
        return multiPacket;
    }

    public boolean hasQuarantine() {
        return quarantine;
    }

    public boolean hasActualStatusAndRole() {
        return actualStatusAndRole;
    }

    public boolean hasDelayByTime() {
        return delayByTime;
    }

    /** Number of node fields in one record. */
    public int fieldCount() {
        return 9 + (quarantine ? 1 : 0) + (actualStatusAndRole ? 2 : 0) + (delayByTime ? 1 : 0);
    }

    /**
     * Maps a pgpool-II client version ({@code 4.3}, {@code 4.3.5}, {@code 4.2.8}, {@code newest})
     * to its layout. {@code 4.3} without a patch number means 4.3.1 and later.
     *
     * @throws IllegalArgumentException for text that is not a version, or a version before 4.2
     */
    public static NodeInfoLayout forClientVersion(String version) {
        String text = version.trim().toLowerCase(Locale.ROOT);
        if (text.isEmpty() || text.equals("newest") || text.equals("latest")) {
            return NEWEST;
        }
        Matcher m = VERSION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("pcp_client_version '" + version
                    + "' is not a version such as 4.3 or 4.4.2, nor 'newest'");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int patch = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
        if (major < 4 || (major == 4 && minor < 2)) {
            throw new IllegalArgumentException("pcp_client_version " + version
                    + " is older than 4.2, the oldest client generation served");
        }
        if (major == 4 && minor == 2) {
            return patch >= 8 || patch == -1 ? V4_2_8 : V4_2_0;
        }
        if (major == 4 && minor == 3) {
            return patch == 0 ? V4_3_0 : V4_3;
        }
        return V4_4;
    }

    /**
     * The layout a server used, told by what it sent: in its packet form ({@code multiPacket}), the
     * layout with exactly {@code fields} node fields; else {@code expected}, or the newest layout of
     * that form when {@code expected} is of the other (a newer server's extra trailing fields are
     * ignored, as pgpool-II's own clients do). Each generation of one form has its own field count,
     * so a reader need not be told which release it talks to.
     */
    public static NodeInfoLayout ofRecord(NodeInfoLayout expected, boolean multiPacket, int fields) {
        NodeInfoLayout base = expected.multiPacket == multiPacket ? expected : multiPacket ? NEWEST : V4_2_8;
        if (fields == base.fieldCount()) {
            return base;
        }
        for (NodeInfoLayout layout : values()) {
            if (layout.multiPacket == multiPacket && layout.fieldCount() == fields) {
                return layout;
            }
        }
        return base;
    }
}
