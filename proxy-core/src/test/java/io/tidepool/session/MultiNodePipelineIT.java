package io.tidepool.session;

import io.netty.buffer.ByteBuf;
import io.tidepool.backend.BackendNode;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;
import io.tidepool.protocol.frontend.Bind;
import io.tidepool.protocol.frontend.Parse;
import io.tidepool.protocol.frontend.Sync;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ProxySettings;
import io.tidepool.server.ServingSettings;
import io.tidepool.server.ShutdownMode;
import io.tidepool.testing.Bytes;
import io.tidepool.testing.LeakDetection;
import io.tidepool.testing.PeerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN hard part 1 on the wire: one pipelined Parse/Bind/Execute... Sync whose statements go
 * to different nodes (reads to a standby, the write to the primary), written by a raw client in
 * one piece. The client must see every answer in request order and exactly one ReadyForQuery.
 */
@ExtendWith(LeakDetection.class)
class MultiNodePipelineIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    private ProxyServer proxy;

    @BeforeAll
    static void createTable() {
        PgClients.psql(pg.primary().endpoint(), "create table if not exists tp_pipe (id int primary key)").orThrow("create");
        pg.cluster().awaitCaughtUp();
    }

    @BeforeEach
    void start() throws Exception {
        List<BackendNode> nodes = new ArrayList<>();
        for (int i = 0; i < pg.nodes().size(); i++) {
            nodes.add(new BackendNode(i, pg.nodes().get(i).host(), pg.nodes().get(i).port()));
        }
        // Reads only to standbys, so the pipeline surely spans two nodes.
        proxy = new ProxyServer(ProxySettings.loopback(0, nodes).streaming(
                ServingSettings.unlimited().withWeights(List.of(0.0, 1.0, 1.0))));
        proxy.start();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.stop(ShutdownMode.FAST).get(30, TimeUnit.SECONDS);
    }

    private PeerSocket login() throws Exception {
        PeerSocket client = PeerSocket.connect(proxy.tcpAddress());
        client.sendStartup(pg.primary().endpoint().user(), pg.primary().endpoint().database());
        client.readUntilReady();
        return client;
    }

    private static byte[] statement(String sql, boolean describe) {
        return Bytes.concat(
                Bytes.written(new Parse("", sql, List.of())::encode),
                Bytes.written(new Bind("", "", List.of(), List.of(), List.of())::encode),
                describe ? Bytes.written(out -> {
                    int at = Frames.begin(out, MessageType.DESCRIBE);
                    out.writeByte('P');
                    CStrings.write(out, "");
                    Frames.end(out, at);
                }) : new byte[0],
                Bytes.written(MultiNodePipelineIT::execute));
    }

    private static void execute(ByteBuf out) {
        int at = Frames.begin(out, MessageType.EXECUTE);
        CStrings.write(out, "");
        out.writeInt(0);
        Frames.end(out, at);
    }

    private static byte[] sync() {
        ByteBuf frame = Sync.frame();
        try {
            return io.netty.buffer.ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    private static String types(List<PeerSocket.Message> messages) {
        StringBuilder s = new StringBuilder();
        messages.forEach(m -> s.append(m.type()));
        return s.toString();
    }

    private static String firstValue(PeerSocket.Message dataRow) {
        // DataRow: Int16 count, Int32 length, bytes
        int length = ((dataRow.body()[2] & 0xff) << 24) | ((dataRow.body()[3] & 0xff) << 16)
                | ((dataRow.body()[4] & 0xff) << 8) | (dataRow.body()[5] & 0xff);
        return new String(dataRow.body(), 6, length, StandardCharsets.UTF_8);
    }

    @Test
    void aPipelineSpanningStandbyAndPrimaryIsAnsweredInOrderWithOneReadyForQuery() throws Exception {
        try (PeerSocket client = login()) {
            for (int round = 0; round < 20; round++) {
                int id = 1000 + round;
                client.send(statement("show port", true), statement("insert into tp_pipe values (" + id + ")", false),
                        statement("show port", false), statement("delete from tp_pipe where id = " + id, false), sync());
                List<PeerSocket.Message> answer = client.readUntilReady();
                assertThat(types(answer)).isEqualTo("12TDC" + "12C" + "12DC" + "12C" + "Z");
                assertThat(Integer.parseInt(firstValue(answer.get(3)))).as("the read ran on a standby")
                        .isNotEqualTo(pg.primary().port());
                assertThat(answer.get(answer.size() - 1).body()).containsExactly('I');
                assertThat(client.silentFor(50)).as("nothing after the one ReadyForQuery").isTrue();
            }
        }
    }

    @Test
    void anErrorOnThePrimaryMidPipelineSilencesTheStandbysLaterAnswersUntilSync() throws Exception {
        try (PeerSocket client = login()) {
            client.send(statement("show port", false), statement("insert into no_such_table values (1)", false),
                    statement("show port", false), sync());
            List<PeerSocket.Message> answer = client.readUntilReady();
            assertThat(types(answer)).isEqualTo("12DC" + "E" + "Z");
            assertThat(answer.get(4).error().code()).isEqualTo("42P01");
            // The session goes on.
            client.send(statement("show port", false), sync());
            assertThat(types(client.readUntilReady())).isEqualTo("12DCZ");
        }
    }

    @Test
    void showPoolNodesInAPipelineIsAnsweredInItsTurn() throws Exception {
        try (PeerSocket client = login()) {
            client.send(statement("show port", false), statement("SHOW pool_nodes", true), statement("show port", false),
                    sync());
            List<PeerSocket.Message> answer = client.readUntilReady();
            assertThat(types(answer)).isEqualTo("12DC" + "12TDDDC" + "12DC" + "Z");
        }
    }
}
