package io.tidepool.session;

import io.tidepool.routing.StatementClassifier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SessionStateLogTest {
    private final StatementClassifier classifier = new StatementClassifier();
    private final SessionStateLog log = new SessionStateLog();

    private void sent(String sql) {
        log.record(classifier.classify(sql));
    }

    @Test
    void sessionSetsAreReplayedInOrder() {
        sent("set work_mem = '7MB'");
        sent("select 1");
        sent("set search_path = app");
        assertThat(log.replay()).containsExactly("set work_mem = '7MB'", "set search_path = app");
    }

    @Test
    void anOpenTransactionIsReplayedWithItsBeginSetsAndSavepoints() {
        sent("set work_mem = '7MB'");
        sent("begin isolation level repeatable read");
        sent("set local statement_timeout = 1000");
        sent("savepoint a");
        assertThat(log.inTransaction()).isTrue();
        assertThat(log.replay()).containsExactly("set work_mem = '7MB'", "begin isolation level repeatable read",
                "set local statement_timeout = 1000", "savepoint a");
    }

    @Test
    void aCommittedTransactionsSetsStayAndARolledBackOnesGo() {
        sent("begin");
        sent("set work_mem = '1MB'");
        sent("commit");
        sent("begin");
        sent("set work_mem = '2MB'");
        sent("rollback");
        assertThat(log.inTransaction()).isFalse();
        assertThat(log.replay()).containsExactly("set work_mem = '1MB'");
    }

    @Test
    void discardAllForgetsEverythingBefore() {
        sent("set work_mem = '1MB'");
        sent("discard all");
        sent("set search_path = app");
        assertThat(log.replay()).containsExactly("discard all", "set search_path = app");
    }
}
