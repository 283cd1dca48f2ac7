package io.tidepool.admin.pcp;

import io.tidepool.cluster.ClusterSnapshot;
import io.tidepool.cluster.NodeSnapshot;
import io.tidepool.server.ShutdownMode;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one PCP connection (spec 1.3): authentication state and the request
 * catalogue of spec 1.6. Knows nothing of Netty: a packet goes in, a {@link Reply} comes out,
 * which keeps every rule testable packet by packet.
 *
 * <p>Not thread-safe; the connection handler calls it for one packet at a time.
 */
public final class PcpSession {

    private static final Logger log = LoggerFactory.getLogger(PcpSession.class);

    /** Values of {@code client_min_messages} a client may set with {@code A} (spec 1.7.1). */
    private static final Set<String> MESSAGE_LEVELS = Set.of("debug5", "debug4", "debug3", "debug2", "debug1",
            "log", "commerror", "info", "notice", "warning", "error");

    private enum State { NEW, SALTED, AUTHENTICATED }

    /**
     * What to do after a packet: send {@code packets}, then run {@code afterSend} (if any), then
     * close the connection when {@code close}.
     */
    public record Reply(List<PcpPacket> packets, boolean close, Optional<Runnable> afterSend) {

        public Reply {
            packets = List.copyOf(packets);
            Objects.requireNonNull(afterSend, "afterSend");
        }

        static Reply send(PcpPacket... packets) {
            return new Reply(List.of(packets), false, Optional.empty());
        }

        static Reply send(List<PcpPacket> packets) {
            return new Reply(packets, false, Optional.empty());
        }

        static Reply closeSilently() {
            return new Reply(List.of(), true, Optional.empty());
        }

        static Reply error(PcpErrorPacket error) {
            return new Reply(List.of(error.toPacket()), error.isFatal(), Optional.empty());
        }
    }

    private final PcpService service;
    private final PcpUserLookup users;
    private final NodeInfoLayout nodeInfoLayout;
    private final ZoneId zone;
    private final SecureRandom random;

    private State state = State.NEW;
    private byte[] salt;
    private String user = "";

    public PcpSession(PcpService service, PcpUserLookup users, NodeInfoLayout nodeInfoLayout, ZoneId zone,
                      SecureRandom random) {
        this.service = Objects.requireNonNull(service, "service");
        this.users = Objects.requireNonNull(users, "users");
        this.nodeInfoLayout = Objects.requireNonNull(nodeInfoLayout, "nodeInfoLayout");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.random = Objects.requireNonNull(random, "random");
    }

    public boolean isAuthenticated() {
        return state == State.AUTHENTICATED;
    }

    /** The authenticated user, empty before authentication. */
    public String user() {
        return user;
    }

    public Reply handle(PcpPacket packet) {
        char tag = packet.tag();
        if (tag == 'M') {
            return newSalt();
        }
        if (tag == 'R') {
            return authenticate(packet);
        }
        if (state != State.AUTHENTICATED) {
            return Reply.error(PcpErrorPacket.fatal("authentication failed for new PCP connection",
                    "connection not authorized"));
        }
        return command(packet);
    }

    /** The answer to a packet whose length was out of bounds (spec 1.2). */
    public static Reply badLength(int length) {
        return Reply.error(PcpErrorPacket.fatal("invalid PCP packet", "incorrect packet length (" + length + ")"));
    }

    /** The answer to a client that stopped sending in the middle of a packet or before authenticating. */
    public static Reply timedOut() {
        return Reply.error(PcpErrorPacket.fatal("PCP connection timed out",
                "no complete request arrived in time; the connection is closed"));
    }

    private Reply newSalt() {
        salt = new byte[PcpAuthentication.SALT_LENGTH];
        random.nextBytes(salt);
        if (state == State.NEW) {
            state = State.SALTED;
        }
        return Reply.send(PcpResponses.salt(salt));
    }

    /** Verifies an {@code R} packet; the salt is single-use whatever the outcome. */
    private Reply authenticate(PcpPacket packet) {
        byte[] usedSalt = salt;
        salt = null;
        List<String> fields = packet.strings();
        if (usedSalt == null || fields.size() < 2) {
            return Reply.error(PcpErrorPacket.fatal("authentication failed",
                    "username and/or password does not match"));
        }
        String claimedUser = fields.get(0);
        Optional<String> stored;
        try {
            stored = users.storedPassword(claimedUser);
        } catch (IOException e) {
            log.error("PCP: cannot read the PCP user file: {}", e.getMessage());
            return Reply.error(PcpErrorPacket.fatal("authentication failed for user \"" + claimedUser + "\"",
                    "the PCP user file cannot be read; see the server log"));
        }
        if (stored.isEmpty() || !PcpAuthentication.verify(stored.get(), claimedUser, usedSalt, fields.get(1))) {
            log.warn("PCP: authentication failed for user \"{}\"", claimedUser);
            return Reply.error(PcpErrorPacket.fatal("authentication failed for user \"" + claimedUser + "\"",
                    "username and/or password does not match"));
        }
        state = State.AUTHENTICATED;
        user = claimedUser;
        return Reply.send(PcpResponses.authenticationOk());
    }

    private Reply command(PcpPacket packet) {
        char tag = packet.tag();
        try {
            return switch (tag) {
                case 'L' -> Reply.send(PcpResponses.nodeCount(service.cluster().nodeCount()));
                case 'I' -> nodeInfo(packet);
                case 'H' -> healthCheckStats(packet);
                case 'N' -> Reply.send(PcpResponses.processCount(service.processes()));
                case 'P' -> processInfo(packet);
                case 'B' -> Reply.send(PcpResponses.poolStatus(service.poolStatus()));
                case 'W' -> watchdogInfo(packet);
                case 'D', 'd' -> {
                    service.detachNode(nodeId(packet), tag == 'd');
                    yield Reply.send(PcpResponses.done('d'));
                }
                case 'C' -> {
                    service.attachNode(nodeId(packet));
                    yield Reply.send(PcpResponses.done('c'));
                }
                case 'J', 'j' -> promote(packet, tag == 'j');
                case 'O' -> {
                    service.recoverNode(nodeId(packet));
                    yield Reply.send(PcpResponses.done('c'));
                }
                case 'T', 't' -> stop(packet, tag == 't');
                case 'Z' -> {
                    service.reloadConfig(clusterScope(packet));
                    yield Reply.send(PcpResponses.done('z'));
                }
                case 'V' -> {
                    service.rotateLog(clusterScope(packet));
                    yield Reply.send(PcpResponses.done('v'));
                }
                case 'G' -> {
                    service.invalidateQueryCache();
                    yield Reply.send(PcpResponses.done('g'));
                }
                case 'A' -> setParameter(packet);
                case 'F' -> {
                    // A client-side log line; pgpool-II only logs it and answers nothing.
                    log.info("PCP: message from client: {}", String.join(" ", packet.strings()));
                    yield Reply.send(List.of());
                }
                case 'X' -> Reply.closeSilently();
                default -> Reply.error(PcpErrorPacket.fatal("PCP processing request",
                        "unknown PCP packet type \"" + printable(tag) + "\""));
            };
        } catch (PcpServiceException e) {
            PcpErrorPacket error = PcpErrorPacket.of(e.isFatal() ? "FATAL" : "ERROR", e.getMessage(),
                    e.detail().orElse(null));
            return Reply.error(error);
        } catch (BadRequest e) {
            return Reply.error(PcpErrorPacket.error(e.getMessage(), e.detail));
        } catch (RuntimeException e) {
            log.error("PCP: request '{}' failed", printable(tag), e);
            return Reply.error(PcpErrorPacket.error("PCP request failed because of an internal error",
                    String.valueOf(e.getMessage())));
        }
    }

    private Reply nodeInfo(PcpPacket packet) throws BadRequest {
        ClusterSnapshot cluster = service.cluster();
        int id = parseInt(packet, "informing node info failed", "invalid node ID : ");
        if (id == -1 && nodeInfoLayout.multiPacket()) {
            return Reply.send(PcpResponses.nodeInfo(cluster.nodes(), nodeInfoLayout));
        }
        Optional<NodeSnapshot> node = cluster.node(id);
        if (node.isEmpty()) {
            throw new BadRequest("informing node info failed", "invalid node ID : " + id);
        }
        return Reply.send(PcpResponses.nodeInfo(List.of(node.get()), nodeInfoLayout));
    }

    private Reply healthCheckStats(PcpPacket packet) throws BadRequest {
        ClusterSnapshot cluster = service.cluster();
        int id = parseInt(packet, "informing health check stats info failed", "invalid node ID ");
        if (id < 0 || id > cluster.nodeCount()) {
            throw new BadRequest("informing health check stats info failed", "invalid node ID " + id);
        }
        if (id == cluster.nodeCount()) {
            throw new BadRequest("informing health check stats info failed",
                    "stats data for node ID " + id + " does not exist");
        }
        NodeSnapshot node = cluster.nodes().get(id);
        return Reply.send(PcpResponses.healthCheckStats(node, service.healthCheckStats(id), zone));
    }

    private Reply processInfo(PcpPacket packet) throws BadRequest {
        int pid = parseInt(packet, "informing process info failed", "invalid process ID : ");
        List<ProcessInfo> all = service.processes();
        if (pid == 0) {
            return Reply.send(PcpResponses.processInfo(all, zone));
        }
        List<ProcessInfo> one = all.stream().filter(p -> p.pid() == pid).toList();
        if (one.isEmpty()) {
            throw new BadRequest("informing process info failed", "invalid process ID : " + pid);
        }
        return Reply.send(PcpResponses.processInfo(one, zone));
    }

    private Reply watchdogInfo(PcpPacket packet) throws BadRequest, PcpServiceException {
        int id = parseInt(packet, "PCP: informing watchdog info failed", "invalid watchdog node ID : ");
        Optional<String> json = service.watchdogInfoJson(id);
        if (json.isEmpty()) {
            throw new BadRequest("PCP: informing watchdog info failed", "watchdog is not enabled");
        }
        return Reply.send(PcpResponses.watchdogInfo(json.get()));
    }

    /**
     * {@code J}/{@code j}: {@code "<id> \0"} then one raw byte, {@code n} or {@code s}
     * (switchover). 4.2 clients send no option byte: that means {@code n}.
     */
    private Reply promote(PcpPacket packet, boolean graceful) throws BadRequest, PcpServiceException {
        int id = nodeId(packet);
        boolean switchover = false;
        int nul = indexOfNul(packet);
        if (nul >= 0 && nul + 1 < packet.payloadLength()) {
            switchover = packet.payloadByte(nul + 1) == 's';
        }
        service.promoteNode(id, switchover, graceful);
        return Reply.send(PcpResponses.done('d'));
    }

    /** {@code T}/{@code t}: reply first, then shut down (spec 1.7.1). */
    private Reply stop(PcpPacket packet, boolean clusterWide) throws BadRequest {
        String code = packet.payloadLength() > 0 ? String.valueOf((char) (packet.payloadByte(0) & 0xff)) : "";
        Optional<ShutdownMode> mode = code.length() == 1 ? ShutdownMode.parse(code) : Optional.empty();
        if (mode.isEmpty()) {
            throw new BadRequest("PCP: error while processing shutdown request",
                    "invalid shutdown mode \"" + code + "\"");
        }
        log.info("PCP: {} shutdown requested by user \"{}\"", mode.get().name().toLowerCase(Locale.ROOT), user);
        Runnable shutdown = () -> {
            try {
                service.stop(mode.get(), clusterWide);
            } catch (PcpServiceException e) {
                log.error("PCP: shutdown failed: {}", e.getMessage());
            }
        };
        return new Reply(List.of(PcpResponses.done('t')), false, Optional.of(shutdown));
    }

    private Reply setParameter(PcpPacket packet) throws BadRequest {
        List<String> fields = packet.strings();
        String name = fields.isEmpty() ? "" : fields.get(0);
        String value = fields.size() < 2 ? "" : fields.get(1);
        if (!name.equalsIgnoreCase("client_min_messages")) {
            throw new BadRequest("PCP: set configuration parameter failed", "invalid parameter \"" + name + "\"");
        }
        if (!MESSAGE_LEVELS.contains(value.toLowerCase(Locale.ROOT))) {
            throw new BadRequest("PCP: set configuration parameter failed",
                    "invalid value \"" + value + "\" for parameter \"" + name + "\"");
        }
        // Tidepool sends no notices over PCP, so the level has nothing to filter.
        return Reply.send(PcpResponses.done('a'));
    }

    /** Scope byte of {@code Z}/{@code V}: {@code c} is the whole cluster, anything else local. */
    private static boolean clusterScope(PcpPacket packet) {
        return packet.payloadLength() > 0 && packet.payloadByte(0) == 'c';
    }

    private static int nodeId(PcpPacket packet) throws BadRequest {
        return parseInt(packet, "invalid node id", "node id ");
    }

    private static int parseInt(PcpPacket packet, String message, String detailPrefix) throws BadRequest {
        List<String> fields = packet.strings();
        String text = fields.isEmpty() ? "" : fields.get(0).trim();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new BadRequest(message, detailPrefix + "\"" + text + "\" is not a number");
        }
    }

    private static int indexOfNul(PcpPacket packet) {
        for (int i = 0; i < packet.payloadLength(); i++) {
            if (packet.payloadByte(i) == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String printable(char tag) {
        return tag >= 0x20 && tag < 0x7f ? String.valueOf(tag) : String.format("\\x%02x", (int) tag);
    }

    /** A request whose syntax or target is wrong: ERROR, connection stays. */
    private static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        private final String detail;

        BadRequest(String message, String detail) {
            super(message, null, false, false);
            this.detail = detail;
        }
    }
}
