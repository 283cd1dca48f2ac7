package io.tidepool.frontend;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tidepool.protocol.frontend.Query;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ProxySettings;
import io.tidepool.server.ShutdownMode;
import io.tidepool.testing.Bytes;
import io.tidepool.testing.FakeBackend;
import io.tidepool.testing.FakeScripts;
import io.tidepool.testing.LeakDetection;
import io.tidepool.testing.PeerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code log_connections}, {@code log_disconnections}, {@code log_statement}, {@code log_client_messages}. */
@ExtendWith(LeakDetection.class)
class SessionLoggingTest {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ClientSession.class);
    private FakeBackend backend;

    @BeforeEach
    void capture() throws Exception {
        appender.start();
        logger.addAppender(appender);
        backend = FakeScripts.servingBackend();
    }

    @AfterEach
    void release() throws Exception {
        logger.detachAppender(appender);
        backend.close();
    }

    private List<String> runOneSession(boolean logging) throws Exception {
        ProxySettings settings = ProxySettings.loopback(0, List.of(backend.node(0)));
        SessionSettings session = settings.session();
        ProxyServer proxy = new ProxyServer(settings.withSession(new SessionSettings(session.backends(), session.limits(),
                session.connectTimeout(), session.authenticationTimeout(), logging, logging, logging, logging)));
        proxy.start();
        try (PeerSocket client = PeerSocket.connect(proxy.tcpAddress())) {
            client.sendStartup("alice");
            client.readUntilReady();
            client.send(Bytes.written(new Query("SELECT 'logged'")::encode));
            client.readUntilReady();
            client.send(Bytes.hex("58 00000004"));
            assertThat(client.closedByPeer()).isTrue();
        }
        for (int i = 0; i < 100 && proxy.sessionCount() > 0; i++) {
            Thread.sleep(20);
        }
        proxy.stop(ShutdownMode.FAST).get(10, TimeUnit.SECONDS);
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void everyLoggingParameterOnLogsConnectionStatementMessagesAndDisconnection() throws Exception {
        List<String> lines = runOneSession(true);
        assertThat(lines).anyMatch(line -> line.startsWith("connection received: host=127.0.0.1"));
        assertThat(lines).anyMatch(line -> line.startsWith("connection authorized: user=alice database=db"));
        assertThat(lines).contains("statement: SELECT 'logged'");
        assertThat(lines).contains("client message 'Q' of 21 bytes");
        assertThat(lines).anyMatch(line -> line.startsWith("disconnection: session time: ") && line.contains("user=alice"));
    }

    @Test
    void loggingParametersOffLogNothingPerSession() throws Exception {
        assertThat(runOneSession(false)).isEmpty();
    }
}
