package io.tidepool.session;

import io.tidepool.routing.StatementClassifier;
import io.tidepool.session.StatementCounters.Column;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatementCountersTest {
    private final StatementClassifier classifier = new StatementClassifier();
    private final StatementCounters counters = new StatementCounters(3);

    @Test
    void statementsAreCountedByNodeAndKind() {
        counters.sent(1, classifier.classify("select 1"));
        counters.sent(1, classifier.classify("select 2"));
        counters.sent(0, classifier.classify("insert into t values (1)"));
        counters.sent(0, classifier.classify("create table t2 (a int)"));
        counters.sent(2, classifier.classify("set work_mem = '4MB'"));
        assertThat(counters.get(1, Column.SELECT)).isEqualTo(2);
        assertThat(counters.get(0, Column.INSERT)).isEqualTo(1);
        assertThat(counters.get(0, Column.DDL)).isEqualTo(1);
        assertThat(counters.get(2, Column.OTHER)).isEqualTo(1);
        assertThat(counters.get(0, Column.SELECT)).isZero();
    }

    @Test
    void aMovedStatementCountsForTheNodeThatRanIt() {
        counters.sent(1, classifier.classify("select 1"));
        counters.moved(1, 2, classifier.classify("select 1"));
        assertThat(counters.get(1, Column.SELECT)).isZero();
        assertThat(counters.get(2, Column.SELECT)).isEqualTo(1);
    }

    @Test
    void errorsAreCountedBySeverityAndUnknownNodesAreIgnored() {
        counters.error(0, "ERROR");
        counters.error(0, "FATAL");
        counters.error(0, "PANIC");
        counters.error(5, "ERROR");
        assertThat(counters.get(0, Column.ERROR)).isEqualTo(1);
        assertThat(counters.get(0, Column.FATAL)).isEqualTo(1);
        assertThat(counters.get(0, Column.PANIC)).isEqualTo(1);
        assertThat(counters.get(5, Column.ERROR)).isZero();
        assertThat(counters.get(-1, Column.ERROR)).isZero();
    }

    @Test
    void countsFromSeveralThreadsAddUp() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    counters.add(1, Column.SELECT);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(counters.get(1, Column.SELECT)).isEqualTo(200_000);
    }
}
