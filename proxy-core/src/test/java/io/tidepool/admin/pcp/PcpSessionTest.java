package io.tidepool.admin.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.auth.Md5Hash;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PcpSessionTest {

    private static final String USER = "pcpadmin";
    private static final String PASSWORD = "secret";

    private final InMemoryPcpService service = InMemoryPcpService.twoNodes();

    private PcpSession session(NodeInfoLayout layout) {
        PcpUserFile users = PcpUserFile.parse(USER + ":" + Md5Hash.pcpConfValue(PASSWORD) + "\n");
        return new PcpSession(service, PcpUserLookup.of(users), layout, ZoneOffset.UTC, new SecureRandom());
    }

    private PcpSession authenticated(NodeInfoLayout layout) {
        PcpSession session = session(layout);
        byte[] salt = salt(session);
        PcpSession.Reply reply = session.handle(authPacket(USER, PASSWORD, salt));
        assertThat(reply.packets()).containsExactly(PcpPacket.ofStrings('r', "AuthenticationOK"));
        assertThat(session.isAuthenticated()).isTrue();
        return session;
    }

    private static byte[] salt(PcpSession session) {
        PcpSession.Reply reply = session.handle(PcpPacket.of('M', new byte[0]));
        PcpPacket packet = reply.packets().get(0);
        assertThat(packet.tag()).isEqualTo('m');
        assertThat(packet.wireLength()).isEqualTo(8);
        return packet.payload();
    }

    private static PcpPacket authPacket(String user, String password, byte[] salt) {
        return PcpPacket.ofStrings('R', user, PcpAuthentication.clientResponse(user, password, salt));
    }

    private static PcpErrorPacket onlyError(PcpSession.Reply reply) {
        assertThat(reply.packets()).hasSize(1);
        return PcpErrorPacket.decode(reply.packets().get(0));
    }

    @Test
    void authenticatesWithTheSaltedMd5Handshake() {
        authenticated(NodeInfoLayout.NEWEST);
    }

    @Test
    void authOkPacketHasLength21() {
        PcpSession session = session(NodeInfoLayout.NEWEST);
        byte[] salt = salt(session);
        assertThat(session.handle(authPacket(USER, PASSWORD, salt)).packets().get(0).wireLength()).isEqualTo(21);
    }

    @Test
    void wrongPasswordIsFatal() {
        PcpSession session = session(NodeInfoLayout.NEWEST);
        PcpSession.Reply reply = session.handle(authPacket(USER, "wrong", salt(session)));
        PcpErrorPacket error = onlyError(reply);
        assertThat(error.severity()).isEqualTo("FATAL");
        assertThat(error.message()).isEqualTo("authentication failed for user \"pcpadmin\"");
        assertThat(error.detail()).contains("username and/or password does not match");
        assertThat(reply.close()).isTrue();
        assertThat(session.isAuthenticated()).isFalse();
    }

    @Test
    void unknownUserIsFatal() {
        PcpSession session = session(NodeInfoLayout.NEWEST);
        PcpSession.Reply reply = session.handle(authPacket("mallory", PASSWORD, salt(session)));
        assertThat(onlyError(reply).message()).isEqualTo("authentication failed for user \"mallory\"");
        assertThat(reply.close()).isTrue();
    }

    @Test
    void authenticationBeforeSaltIsFatal() {
        PcpSession.Reply reply = session(NodeInfoLayout.NEWEST).handle(PcpPacket.ofStrings('R', USER, "x"));
        assertThat(onlyError(reply).message()).isEqualTo("authentication failed");
        assertThat(reply.close()).isTrue();
    }

    @Test
    void aSaltCannotBeUsedTwice() {
        PcpSession session = authenticated(NodeInfoLayout.NEWEST);
        // Replaying the R of a consumed salt fails even though the connection is authenticated.
        PcpSession.Reply reply = session.handle(PcpPacket.ofStrings('R', USER, "2e706dba48448085b5cfcae6ff8f8e8c"));
        assertThat(onlyError(reply).severity()).isEqualTo("FATAL");
        assertThat(reply.close()).isTrue();
    }

    @Test
    void aNewSaltReplacesTheOldOne() {
        PcpSession session = session(NodeInfoLayout.NEWEST);
        byte[] first = salt(session);
        byte[] second = salt(session);
        assertThat(session.handle(authPacket(USER, PASSWORD, first)).close()).isTrue();
        PcpSession fresh = session(NodeInfoLayout.NEWEST);
        salt(fresh);
        byte[] current = salt(fresh);
        assertThat(fresh.handle(authPacket(USER, PASSWORD, current)).close()).isFalse();
        assertThat(second).hasSize(4);
    }

    @Test
    void commandsBeforeAuthenticationAreRefused() {
        PcpSession session = session(NodeInfoLayout.NEWEST);
        PcpSession.Reply reply = session.handle(PcpPacket.ofStrings('L'));
        PcpErrorPacket error = onlyError(reply);
        assertThat(error.message()).isEqualTo("authentication failed for new PCP connection");
        assertThat(error.detail()).contains("connection not authorized");
        assertThat(reply.close()).isTrue();
    }

    @Test
    void unknownTagAfterAuthenticationIsFatal() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.ofStrings('Q'));
        PcpErrorPacket error = onlyError(reply);
        assertThat(error.severity()).isEqualTo("FATAL");
        assertThat(error.message()).isEqualTo("PCP processing request");
        assertThat(error.detail()).contains("unknown PCP packet type \"Q\"");
        assertThat(reply.close()).isTrue();
    }

    @Test
    void nodeCountIsTheNumberOfSlots() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.ofStrings('L'));
        assertThat(reply.packets()).containsExactly(PcpPacket.ofStrings('l', "CommandComplete", "2"));
        assertThat(reply.packets().get(0).wireLength()).isEqualTo(22);
    }

    @Test
    void nodeInfoIn43LayoutMatchesTheSpecExample() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.V4_3).handle(PcpPacket.ofStrings('I', "-1"));
        assertThat(reply.packets()).hasSize(4);
        assertThat(reply.packets().get(0)).isEqualTo(PcpPacket.ofStrings('i', "ArraySize", "2"));
        assertThat(reply.packets().get(2)).isEqualTo(PcpPacket.ofStrings('i', "NodeInfo", "10.0.0.2", "5433", "3", "1",
                "down", "1073741823.500000", "3", "unknown", "2500000", "streaming", "async", "1700000100"));
        assertThat(reply.packets().get(3)).isEqualTo(PcpPacket.ofStrings('i', "CommandComplete"));
    }

    @Test
    void nodeInfoInNewestLayoutInsertsTheDelayByTimeFlag() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.V4_4).handle(PcpPacket.ofStrings('I', "1"));
        assertThat(reply.packets()).containsExactly(
                PcpPacket.ofStrings('i', "ArraySize", "1"),
                PcpPacket.ofStrings('i', "NodeInfo", "10.0.0.2", "5433", "3", "1", "down", "1073741823.500000", "3",
                        "unknown", "0", "2500000", "streaming", "async", "1700000100"),
                PcpPacket.ofStrings('i', "CommandComplete"));
    }

    @Test
    void nodeInfoIn42LayoutIsOneCommandCompletePacket() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.V4_2_8).handle(PcpPacket.ofStrings('I', "0"));
        assertThat(reply.packets()).containsExactly(PcpPacket.ofStrings('i', "CommandComplete", "10.0.0.1", "5432",
                "2", "0", "1073741823.500000", "2", "0", "", "", "1700000000"));
    }

    @Test
    void nodeInfoForAMissingNodeIsAnErrorAndTheConnectionStays() {
        PcpSession session = authenticated(NodeInfoLayout.NEWEST);
        PcpSession.Reply reply = session.handle(PcpPacket.ofStrings('I', "5"));
        PcpErrorPacket error = onlyError(reply);
        assertThat(error.severity()).isEqualTo("ERROR");
        assertThat(error.message()).isEqualTo("informing node info failed");
        assertThat(error.detail()).contains("invalid node ID : 5");
        assertThat(reply.close()).isFalse();
        assertThat(session.handle(PcpPacket.ofStrings('L')).packets().get(0).tag()).isEqualTo('l');
    }

    @Test
    void healthCheckStatsHaveTwentyValues() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.ofStrings('H', "0"));
        List<String> fields = reply.packets().get(0).strings();
        assertThat(fields).containsExactly("CommandComplete", "0", "10.0.0.1", "5432", "up", "primary",
                "2023-11-14 22:13:20", "10", "9", "1", "0", "2", "0.200000", "2", "30", "3", "7.500000",
                "2023-11-14 22:15:00", "2023-11-14 22:15:00", "", "2023-11-14 22:13:20");
    }

    @Test
    void healthCheckStatsForTheSlotPastTheLastSaySoExplicitly() {
        PcpSession session = authenticated(NodeInfoLayout.NEWEST);
        assertThat(onlyError(session.handle(PcpPacket.ofStrings('H', "2"))).detail())
                .contains("stats data for node ID 2 does not exist");
        assertThat(onlyError(session.handle(PcpPacket.ofStrings('H', "3"))).detail()).contains("invalid node ID 3");
    }

    @Test
    void processCountListsPids() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.ofStrings('N'));
        assertThat(reply.packets()).containsExactly(PcpPacket.ofStrings('n', "CommandComplete", "2", "101", "102"));
    }

    @Test
    void processInfoSendsTwentyOneFieldsPerRow() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.ofStrings('P', "101"));
        assertThat(reply.packets()).hasSize(4);
        assertThat(reply.packets().get(0)).isEqualTo(PcpPacket.ofStrings('p', "ArraySize", "2"));
        assertThat(reply.packets().get(1).strings()).containsExactly("ProcessInfo", "101", "2023-11-14 22:13:20", "5",
                "0", "0", "db", "alice", "2023-11-14 22:13:21", "2023-11-14 22:13:22", "", "0", "3", "0", "1", "4242",
                "1", "Idle", "1", "127.0.0.1", "50000", "SELECT 1");
        assertThat(reply.packets().get(3)).isEqualTo(PcpPacket.ofStrings('p', "CommandComplete"));
    }

    @Test
    void processInfoForAnUnknownPidIsAnError() {
        PcpErrorPacket error = onlyError(authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.ofStrings('P', "7")));
        assertThat(error.message()).isEqualTo("informing process info failed");
        assertThat(error.detail()).contains("invalid process ID : 7");
    }

    @Test
    void poolStatusCountIsABinaryInteger() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.ofStrings('B'));
        PcpPacket header = reply.packets().get(0);
        assertThat(HexFormat.of().formatHex(header.toBytes()))
                .isEqualTo("6200000012" + HexFormat.of().formatHex("ArraySize\0".getBytes(StandardCharsets.US_ASCII))
                        + "00000003");
        assertThat(reply.packets().get(1)).isEqualTo(PcpPacket.ofStrings('b', "ProcessConfig", "listen_addresses",
                "localhost", "host name(s) or IP address(es) to listen on"));
        assertThat(reply.packets()).hasSize(5);
    }

    @Test
    void watchdogInfoSaysWatchdogIsNotEnabled() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.ofStrings('W', "-1"));
        PcpErrorPacket error = onlyError(reply);
        assertThat(error.message()).isEqualTo("PCP: informing watchdog info failed");
        assertThat(error.detail()).contains("watchdog is not enabled");
        assertThat(reply.close()).isFalse();
    }

    @Test
    void recoveryIsNotAvailableYet() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.ofStrings('O', "1"));
        PcpErrorPacket error = onlyError(reply);
        assertThat(error.severity()).isEqualTo("ERROR");
        assertThat(error.detail()).hasValueSatisfying(d -> assertThat(d).contains("not available yet"));
    }

    @Test
    void detachAttachAndPromoteReachTheService() throws Exception {
        PcpSession session = authenticated(NodeInfoLayout.NEWEST);
        service.attachNode(1);
        assertThat(session.handle(PcpPacket.ofStrings('d', "1")).packets())
                .containsExactly(PcpPacket.ofStrings('d', "CommandComplete"));
        assertThat(session.handle(PcpPacket.ofStrings('C', "1")).packets())
                .containsExactly(PcpPacket.ofStrings('c', "CommandComplete"));
        assertThat(session.handle(PcpPacket.of('j', new byte[] {'1', ' ', 0, 's'})).packets())
                .containsExactly(PcpPacket.ofStrings('d', "CommandComplete"));
        assertThat(service.actions()).containsExactly("attach 1", "detach 1 graceful=true", "attach 1",
                "promote 1 switchover=true graceful=true");
    }

    @Test
    void promoteWithoutOptionByteIsANormalPromote() {
        PcpSession session = authenticated(NodeInfoLayout.NEWEST);
        session.handle(PcpPacket.ofStrings('J', "1"));
        assertThat(service.actions()).containsExactly("promote 1 switchover=false graceful=false");
    }

    @Test
    void aFatalServiceRefusalClosesTheConnection() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.of('J', new byte[] {'0', ' ', 0, 'n'}));
        PcpErrorPacket error = onlyError(reply);
        assertThat(error.severity()).isEqualTo("FATAL");
        assertThat(error.message()).isEqualTo("invalid promote request");
        assertThat(reply.close()).isTrue();
    }

    @Test
    void detachOfADownNodeIsAnError() {
        PcpErrorPacket error = onlyError(authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.ofStrings('D', "1")));
        assertThat(error.message()).isEqualTo("invalid degenerate backend request, node id : 1 status: [3] is not"
                + " valid for failover");
    }

    @Test
    void aNonNumericNodeIdIsAnError() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.ofStrings('C', "one"));
        assertThat(onlyError(reply).message()).isEqualTo("invalid node id");
        assertThat(reply.close()).isFalse();
    }

    @Test
    void stopRepliesFirstAndShutsDownAfterwards() {
        PcpSession.Reply reply = authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.of('t', new byte[] {'f'}));
        assertThat(reply.packets()).containsExactly(PcpPacket.ofStrings('t', "CommandComplete"));
        assertThat(service.actions()).isEmpty();
        reply.afterSend().orElseThrow().run();
        assertThat(service.actions()).containsExactly("stop FAST cluster=true");
    }

    @Test
    void stopWithABadModeIsAnError() {
        PcpErrorPacket error = onlyError(authenticated(NodeInfoLayout.NEWEST).handle(PcpPacket.of('T', new byte[] {'x'})));
        assertThat(error.message()).isEqualTo("PCP: error while processing shutdown request");
        assertThat(error.detail()).contains("invalid shutdown mode \"x\"");
    }

    @Test
    void reloadRotateAndCacheInvalidation() {
        PcpSession session = authenticated(NodeInfoLayout.NEWEST);
        assertThat(session.handle(PcpPacket.of('Z', new byte[] {'c'})).packets())
                .containsExactly(PcpPacket.ofStrings('z', "CommandComplete"));
        assertThat(session.handle(PcpPacket.of('V', new byte[] {'l'})).packets())
                .containsExactly(PcpPacket.ofStrings('v', "CommandComplete"));
        assertThat(session.handle(PcpPacket.ofStrings('G')).packets())
                .containsExactly(PcpPacket.ofStrings('g', "CommandComplete"));
        assertThat(service.actions()).containsExactly("reload cluster=true", "rotate log cluster=false",
                "invalidate query cache");
    }

    @Test
    void onlyClientMinMessagesCanBeSet() {
        PcpSession session = authenticated(NodeInfoLayout.NEWEST);
        assertThat(session.handle(PcpPacket.ofStrings('A', "client_min_messages", "WARNING")).packets())
                .containsExactly(PcpPacket.ofStrings('a', "CommandComplete"));
        assertThat(onlyError(session.handle(PcpPacket.ofStrings('A', "port", "1"))).detail())
                .contains("invalid parameter \"port\"");
        assertThat(onlyError(session.handle(PcpPacket.ofStrings('A', "client_min_messages", "loud"))).detail())
                .hasValueSatisfying(d -> assertThat(d).startsWith("invalid value \"loud\""));
    }

    @Test
    void logPacketGetsNoAnswerAndDisconnectClosesSilently() {
        PcpSession session = authenticated(NodeInfoLayout.NEWEST);
        PcpSession.Reply log = session.handle(PcpPacket.ofStrings('F', "hello"));
        assertThat(log.packets()).isEmpty();
        assertThat(log.close()).isFalse();
        PcpSession.Reply bye = session.handle(PcpPacket.of('X', new byte[0]));
        assertThat(bye.packets()).isEmpty();
        assertThat(bye.close()).isTrue();
    }
}
