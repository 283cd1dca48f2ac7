package io.tidepool.routing;

import java.util.Map;

/**
 * A rough, JMH-free timing of classification and routing, run by hand (it is not a test and
 * asserts nothing):
 * {@code java -cp <test classpath> io.tidepool.routing.ClassifierMicroCheck}.
 * Benchmarks proper belong to {@code ./tidepool bench}.
 */
public final class ClassifierMicroCheck {

    private ClassifierMicroCheck() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        StatementClassifier classifier = new StatementClassifier();
        String[] prepared = {
            "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
            "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2",
            "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)",
            "BEGIN", "END",
        };
        // warm up, then measure: cached texts (new String instances each time, as from the wire)
        long sink = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String sql = new String(prepared[i % prepared.length]);
                sink += classifier.classify(sql).kind().ordinal();
            }
            long t1 = System.nanoTime();
            System.out.printf("cached, new String per call: %.1f ns/statement%n", (t1 - t0) / (double) n);
        }
        // fast path without the cache: every text distinct (simple protocol with literals)
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += StatementClassifier.analyze("SELECT abalance FROM pgbench_accounts WHERE aid = " + i + ";")
                        .readTables().size();
            }
            long t1 = System.nanoTime();
            System.out.printf("lexer fast path, uncached (distinct literal texts): %.1f ns/statement%n",
                    (t1 - t0) / (double) n);
        }
        // tpcb-like UPDATEs through the classifier: one cached classification per shape (two shapes
        // here: a negative delta is written with a minus sign)
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += classifier.classify("UPDATE pgbench_accounts SET abalance = abalance + " + (i % 9999 - 5000)
                        + " WHERE aid = " + i + ";").readTables().size();
            }
            long t1 = System.nanoTime();
            System.out.printf("by shape (distinct literal texts, as tpcb-like sends them): %.1f ns/statement%n",
                    (t1 - t0) / (double) n);
        }
        int parserN = Math.max(1, n / 50);
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < parserN; i++) {
                sink += StatementClassifier.analyze("WITH x AS (SELECT * FROM t WHERE id = " + i
                        + ") SELECT count(*) FROM x JOIN u ON u.id = x.id").readTables().size();
            }
            long t1 = System.nanoTime();
            System.out.printf("JSqlParser path, uncached (WITH query): %.1f us/statement%n",
                    (t1 - t0) / 1000.0 / parserN);
        }
        Router router = new Router(RoutingSettings.builder().checkTempTable(RoutingSettings.TempTableCheck.TRACE)
                .checkUnloggedTable(false).build(), FunctionVolatilityLookup.fixed(Map.of()),
                RelationPersistenceLookup.ALL_PERMANENT);
        ClusterView cluster = ClusterView.of(NodeView.primary(0, 1), NodeView.standby(1, 1), NodeView.standby(2, 1));
        SessionRoutingState session = SessionRoutingState.start("db", "u", "app").withLoadBalanceNode(1, "x");
        session = session.usingNodes(java.util.List.of(0, 1));
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                StatementClassification c = classifier.classify(prepared[i % prepared.length]);
                RoutingDecision d = router.route(c, session, cluster);
                session = router.afterStatement(session, c, d).onReadyForQuery(TransactionStatus.IDLE);
                sink += d.nodeId();
            }
            long t1 = System.nanoTime();
            System.out.printf("classify (cached) + route + state transition: %.1f ns/statement%n",
                    (t1 - t0) / (double) n);
        }
        System.out.println("(ignore) " + sink);
    }
}
