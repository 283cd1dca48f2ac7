package io.tidepool.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tidepool.routing.RoutingDecision.Target;
import io.tidepool.routing.RoutingSettings.TempTableCheck;
import io.tidepool.routing.RoutingSettings.WritePolicy;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static RoutingFixture with(RoutingSettings.Builder b) {
        return new RoutingFixture(b.checkTempTable(TempTableCheck.TRACE).build());
    }

    // ---- basic split --------------------------------------------------------------------

    @Test
    void writeGoesToPrimary() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        RoutingDecision d = f.run("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = 1");
        assertThat(d.target()).isEqualTo(Target.PRIMARY);
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).isEqualTo("write statement (UPDATE)");
    }

    @Test
    void aFurtherWriteInATransactionKeepsTheSessionStateAsItIs() {
        RoutingFixture f = RoutingFixture.defaults();
        f.run("BEGIN");
        RoutingDecision first = f.run("UPDATE t SET v = v + 1 WHERE id = 1");
        assertThat(first.countsAsWrite()).isTrue();
        SessionRoutingState afterFirstWrite = f.session;
        assertThat(afterFirstWrite.writeInTransaction()).isTrue();
        assertThat(afterFirstWrite.writeInSession()).isTrue();
        f.run("UPDATE t SET v = v + 2 WHERE id = 2");
        assertThat(f.session).as("nothing new to note: the same state, not a copy").isSameAs(afterFirstWrite);
        f.run("END");
        f.run("UPDATE t SET v = v + 3 WHERE id = 3");
        assertThat(f.session.writeInTransaction()).as("outside a transaction").isFalse();
        assertThat(f.session.writeInSession()).isTrue();
    }

    @Test
    void readGoesToTheSessionsLoadBalanceNode() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        for (int i = 0; i < 20; i++) {
            RoutingDecision d = f.run("SELECT abalance FROM pgbench_accounts WHERE aid = " + i);
            assertThat(d.target()).isEqualTo(Target.LOAD_BALANCE_NODE);
            assertThat(d.nodeIds()).containsExactly(2);
        }
    }

    @Test
    void firstReadChoosesTheSessionNodeOnceAndKeepsIt() {
        RoutingFixture f = RoutingFixture.defaults();
        int first = f.run("SELECT 1").nodeId();
        assertThat(f.session.loadBalanceNode()).isEqualTo(first);
        for (int i = 0; i < 50; i++) {
            assertThat(f.run("SELECT " + i).nodeId()).isEqualTo(first);
        }
    }

    @Test
    void loadBalanceModeOffSendsReadsToPrimary() {
        RoutingFixture f = with(RoutingSettings.builder().loadBalanceMode(false)).balancedTo(2);
        RoutingDecision d = f.run("SELECT 1");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).isEqualTo("load_balance_mode is off");
    }

    // ---- weights ------------------------------------------------------------------------

    @Test
    void statementLevelChoicesFollowBackendWeights() {
        RoutingFixture f = with(RoutingSettings.builder().statementLevelLoadBalance(true));
        f.cluster = ClusterView.of(NodeView.primary(0, 1), NodeView.standby(1, 2), NodeView.standby(2, 7));
        int[] counts = new int[3];
        int trials = 100_000;
        for (int i = 0; i < trials; i++) {
            counts[f.run("SELECT * FROM t WHERE id = $1").nodeId()]++;
        }
        assertThat(counts[0] / (double) trials).isCloseTo(0.1, within(0.01));
        assertThat(counts[1] / (double) trials).isCloseTo(0.2, within(0.01));
        assertThat(counts[2] / (double) trials).isCloseTo(0.7, within(0.01));
        assertThat(f.session.loadBalanceNode()).as("statement level keeps no session node").isEqualTo(-1);
    }

    @Test
    void sessionLevelChoicesFollowBackendWeightsAcrossSessions() {
        RoutingFixture f = RoutingFixture.defaults();
        f.cluster = ClusterView.of(NodeView.primary(0, 0), NodeView.standby(1, 1), NodeView.standby(2, 3));
        int[] counts = new int[3];
        int sessions = 40_000;
        for (int i = 0; i < sessions; i++) {
            f.session = SessionRoutingState.start("app", "alice", "psql");
            counts[f.run("SELECT 1").nodeId()]++;
        }
        assertThat(counts[0]).as("weight 0 never chosen").isZero();
        assertThat(counts[1] / (double) sessions).isCloseTo(0.25, within(0.01));
        assertThat(counts[2] / (double) sessions).isCloseTo(0.75, within(0.01));
    }

    @Test
    void sessionsAreSpreadByWeightFromTheFirstOnesOnNotOnlyOnAverage() {
        RoutingFixture f = RoutingFixture.defaults();
        int[] nodes = new int[400];
        for (int i = 0; i < nodes.length; i++) {
            f.session = SessionRoutingState.start("app", "alice", "psql");
            nodes[i] = f.run("SELECT 1").nodeId();
        }
        for (int start = 0; start + 8 <= nodes.length; start++) {
            int[] counts = new int[3];
            for (int i = start; i < start + 8; i++) {
                counts[nodes[i]]++;
            }
            if (start == 0) {
                assertThat(counts).as("the first eight sessions over three equal nodes").containsExactlyInAnyOrder(3, 3, 2);
            }
            for (int node = 0; node < 3; node++) {
                assertThat(counts[node]).as("node %d in sessions %d to %d", node, start, start + 7).isBetween(2, 4);
            }
        }
    }

    @Test
    void aRouterWithChangedSettingsTakesItsTurnInTheSameRotation() {
        RoutingFixture f = RoutingFixture.defaults();
        // what a session's PGPOOL SET of a routing parameter gives it
        Router changed = f.router.withSettings(RoutingSettings.builder().allowSqlComments(true).build());
        assertThat(changed).isNotSameAs(f.router);
        Set<Integer> round = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Router r = i == 1 ? changed : f.router;
            round.add(r.chooseLoadBalanceNode(SessionRoutingState.start("app", "alice", "psql"), f.cluster).node());
        }
        assertThat(round).as("three choices, one from the changed router, one round").containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void downLoadBalanceNodeIsReplaced() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        f.cluster = ClusterView.of(NodeView.primary(0, 0), NodeView.standby(1, 1), NodeView.standby(2, 1).down());
        RoutingDecision d = f.run("SELECT 1");
        assertThat(d.nodeIds()).containsExactly(1);
        assertThat(d.notes()).anySatisfy(n -> assertThat(n.text()).contains("node 2 is no longer usable"));
        assertThat(f.session.loadBalanceNode()).isEqualTo(1);
    }

    // ---- disable_load_balance_on_write --------------------------------------------------

    @Test
    void readAfterWriteInTransactionStaysOnPrimary() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        f.run("BEGIN");
        assertThat(f.run("SELECT * FROM t").nodeIds()).as("before the write").containsExactly(2);
        f.run("INSERT INTO t VALUES (1)");
        RoutingDecision d = f.run("SELECT * FROM t");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).isEqualTo("read inside transaction after write (disable_load_balance_on_write=transaction)");
        assertThat(f.run("SELECT * FROM other").nodeIds()).containsExactly(0);
        f.run("COMMIT");
        f.readyForQuery('I');
        assertThat(f.run("SELECT * FROM t").nodeIds()).as("after commit").containsExactly(2);
    }

    @Test
    void writeOutsideTransactionDoesNotPinLaterTransactionsUnderTransactionPolicy() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(1);
        f.run("INSERT INTO t VALUES (1)");
        f.run("BEGIN");
        assertThat(f.run("SELECT * FROM t").nodeIds()).containsExactly(1);
    }

    @Test
    void transTransactionKeepsReadsInLaterTransactionsOnPrimary() {
        RoutingFixture f = with(RoutingSettings.builder().disableLoadBalanceOnWrite(WritePolicy.TRANS_TRANSACTION))
                .balancedTo(2);
        f.run("BEGIN");
        f.run("UPDATE t SET v = 1");
        f.run("COMMIT");
        assertThat(f.run("SELECT * FROM t").nodeIds()).as("outside a transaction").containsExactly(2);
        f.run("BEGIN");
        RoutingDecision d = f.run("SELECT * FROM t");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).contains("trans_transaction");
    }

    @Test
    void alwaysKeepsReadsOnPrimaryAfterFirstWrite() {
        RoutingFixture f = with(RoutingSettings.builder().disableLoadBalanceOnWrite(WritePolicy.ALWAYS)).balancedTo(2);
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(2);
        f.run("DELETE FROM t WHERE id = 1");
        for (String sql : new String[] {"SELECT 1", "SELECT * FROM u"}) {
            RoutingDecision d = f.run(sql);
            assertThat(d.nodeIds()).containsExactly(0);
            assertThat(d.rule()).isEqualTo("read after a write in this session (disable_load_balance_on_write=always)");
        }
        f.run("BEGIN");
        assertThat(f.run("SELECT 2").nodeIds()).containsExactly(0);
    }

    @Test
    void offLetsReadsAfterWritesBalance() {
        RoutingFixture f = with(RoutingSettings.builder().disableLoadBalanceOnWrite(WritePolicy.OFF)).balancedTo(2);
        f.run("BEGIN");
        f.run("INSERT INTO t VALUES (1)");
        assertThat(f.run("SELECT * FROM t").nodeIds()).containsExactly(2);
    }

    @Test
    void dmlAdaptiveKeepsOnlyModifiedTablesOnPrimary() {
        RoutingFixture f = with(RoutingSettings.builder().disableLoadBalanceOnWrite(WritePolicy.DML_ADAPTIVE))
                .balancedTo(2);
        f.run("BEGIN");
        f.run("INSERT INTO orders VALUES (1)");
        RoutingDecision d = f.run("SELECT * FROM orders");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).isEqualTo("read of orders, modified earlier in this transaction "
                + "(disable_load_balance_on_write=dml_adaptive)");
        assertThat(f.run("SELECT * FROM customers").nodeIds()).containsExactly(2);
        f.run("COMMIT");
        assertThat(f.run("SELECT * FROM orders").nodeIds()).as("outside the transaction").containsExactly(2);
    }

    @Test
    void dmlAdaptiveFollowsTheRelationshipList() {
        RoutingFixture f = new RoutingFixture(RoutingSettings.builder()
                .checkTempTable(TempTableCheck.TRACE)
                .disableLoadBalanceOnWrite(WritePolicy.DML_ADAPTIVE)
                .writeFunctions("my_writer")
                .dmlAdaptiveRelations("orders:order_totals,order_totals:dashboard_view,my_writer():audit")
                .build()).balancedTo(1);
        f.run("BEGIN");
        f.run("UPDATE orders SET total = 2 WHERE id = 1");
        assertThat(f.run("SELECT * FROM order_totals").nodeIds()).containsExactly(0);
        assertThat(f.run("SELECT * FROM dashboard_view").nodeIds()).as("transitively").containsExactly(0);
        assertThat(f.run("SELECT * FROM audit").nodeIds()).containsExactly(1);
        f.run("SELECT my_writer(1)");
        assertThat(f.run("SELECT * FROM audit").nodeIds()).containsExactly(0);
    }

    // ---- functions ------------------------------------------------------------------------

    @Test
    void volatileFunctionGoesToPrimary() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        RoutingDecision d = f.run("SELECT random(), name FROM t");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).isEqualTo("function random() is volatile (pg_proc)");
    }

    @Test
    void stableAndImmutableFunctionsAreBalanced() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        assertThat(f.run("SELECT now(), count(*), lower(name) FROM t").nodeIds()).containsExactly(2);
    }

    @Test
    void functionOfUnknownVolatilityGoesToPrimaryAndIsReportedPending() {
        FunctionVolatilityLookup nothingKnown = new FunctionVolatilityLookup() {
            @Override
            public java.util.Optional<FunctionVolatility> cached(String database, String function) {
                return java.util.Optional.empty();
            }

            @Override
            public java.util.concurrent.CompletableFuture<Map<String, FunctionVolatility>> resolve(
                    String database, java.util.Collection<String> functions) {
                throw new UnsupportedOperationException();
            }
        };
        RoutingFixture f = new RoutingFixture(RoutingSettings.builder().checkTempTable(TempTableCheck.TRACE).build(),
                nothingKnown, RelationPersistenceLookup.ALL_PERMANENT).balancedTo(2);
        RoutingDecision d = f.run("SELECT get_report(1)");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.pendingFunctions()).containsExactly("get_report");
    }

    @Test
    void sequenceFunctionsAlwaysGoToPrimary() {
        RoutingFixture f = with(RoutingSettings.builder().readOnlyFunctions("nextval,currval,.*")).balancedTo(2);
        RoutingDecision d = f.run("SELECT nextval('seq')");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).isEqualTo("function nextval() uses a sequence (runs on the primary)");
        assertThat(f.run("SELECT pg_catalog.setval('s', 1)").nodeIds()).containsExactly(0);
    }

    @Test
    void writeFunctionListMatchGoesToPrimaryAndIsAnchored() {
        RoutingFixture f = with(RoutingSettings.builder().writeFunctions("set_.*,update_.*")).balancedTo(2);
        RoutingDecision d = f.run("SELECT set_flag(1)");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).isEqualTo("function set_flag() matches write_function_list 'set_.*'");
        assertThat(f.run("SELECT reset_flag(1)").nodeIds()).as("anchored: no match").containsExactly(2);
        assertThat(f.run("SELECT random()").nodeIds()).as("list decides, not volatility").containsExactly(2);
    }

    @Test
    void functionMissingFromReadOnlyListGoesToPrimary() {
        RoutingFixture f = with(RoutingSettings.builder().readOnlyFunctions("get_.*,count")).balancedTo(2);
        assertThat(f.run("SELECT get_user(1), count(*) FROM t").nodeIds()).containsExactly(2);
        RoutingDecision d = f.run("SELECT compute(1)");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).isEqualTo("function compute() is not in read_only_function_list");
    }

    // ---- comments, hints, patterns --------------------------------------------------------

    @Test
    void noLoadBalanceHintHonoured() {
        RoutingFixture f = with(RoutingSettings.builder().allowSqlComments(true)).balancedTo(2);
        RoutingDecision d = f.run("/*NO LOAD BALANCE*/ SELECT * FROM t");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).isEqualTo("/*NO LOAD BALANCE*/ comment");
    }

    @Test
    void leadingCommentPreventsBalancingUnlessAllowSqlComments() {
        RoutingFixture off = RoutingFixture.defaults().balancedTo(2);
        assertThat(off.run("/* report */ SELECT 1").nodeIds()).containsExactly(0);
        RoutingFixture on = with(RoutingSettings.builder().allowSqlComments(true)).balancedTo(2);
        assertThat(on.run("/* report */ SELECT 1").nodeIds()).containsExactly(2);
    }

    @Test
    void aRouterWithASessionsSettingsRoutesByThemAndKeepsItsLookups() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        assertThat(f.router.withSettings(f.settings)).as("same settings: same router").isSameAs(f.router);
        f.router = f.router.withSettings(f.settings.toBuilder().allowSqlComments(true).build());
        assertThat(f.run("/* report */ SELECT 1").nodeIds()).containsExactly(2);
        assertThat(f.run("/* report */ SELECT random()").nodeIds()).as("volatility still known").containsExactly(0);
        assertThat(f.run("/* report */ SELECT count(*) FROM t").nodeIds()).containsExactly(2);
    }

    @Test
    void leadingWhiteSpaceCountsOnlyWhenNotIgnored() {
        assertThat(RoutingFixture.defaults().balancedTo(2).run("   SELECT 1").nodeIds()).containsExactly(2);
        RoutingFixture strict = with(RoutingSettings.builder().ignoreLeadingWhiteSpace(false)).balancedTo(2);
        assertThat(strict.run("   SELECT 1").nodeIds()).containsExactly(0);
    }

    @Test
    void primaryRoutingQueryPatternListSendsMatchesToPrimary() {
        RoutingFixture f = with(RoutingSettings.builder()
                .primaryRoutingQueryPatterns("SELECT \\* FROM t1\\;;select .* from accounts.*")).balancedTo(2);
        RoutingDecision d = f.run("SELECT * FROM accounts WHERE id = 3");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).isEqualTo("primary_routing_query_pattern_list matched 'select .* from accounts.*'");
        assertThat(f.run("SELECT * FROM t1;").nodeIds()).containsExactly(0);
        assertThat(f.run("SELECT * FROM t2").nodeIds()).containsExactly(2);
    }

    // ---- statements for every node ------------------------------------------------------

    @Test
    void setGoesToEveryNodeInUse() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        assertThat(f.run("SET search_path = app").nodeIds()).as("nothing used yet").containsExactly(0);
        f.run("SELECT 1");
        RoutingDecision d = f.run("SET extra_float_digits = 3");
        assertThat(d.target()).isEqualTo(Target.SESSION_NODES);
        assertThat(d.nodeIds()).containsExactly(0, 2);
        assertThat(d.rule()).isEqualTo("SET goes to every node the session uses");
    }

    @Test
    void savepointsDiscardAndDeallocateAllGoToEveryNodeInUse() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(1);
        f.run("SELECT 1");
        for (String sql : new String[] {"SAVEPOINT a", "RELEASE SAVEPOINT a", "ROLLBACK TO SAVEPOINT a",
                "DISCARD ALL", "DEALLOCATE ALL", "RESET ALL", "BEGIN", "COMMIT"}) {
            assertThat(f.run(sql).nodeIds()).as(sql).containsExactly(0, 1);
        }
    }

    @Test
    void downNodeIsLeftOutOfSessionNodes() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(1);
        f.run("SELECT 1");
        f.cluster = ClusterView.of(NodeView.primary(0, 1), NodeView.standby(1, 1).down(), NodeView.standby(2, 1));
        RoutingDecision d = f.run("SET a = 1");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.notes()).anySatisfy(n -> assertThat(n.nodeId()).isEqualTo(1));
    }

    // ---- transactions ---------------------------------------------------------------------

    @Test
    void serializableTransactionReadsFromPrimary() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        f.run("BEGIN ISOLATION LEVEL SERIALIZABLE");
        RoutingDecision d = f.run("SELECT 1");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).isEqualTo("read inside a SERIALIZABLE transaction");
        f.run("COMMIT");
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(2);
    }

    @Test
    void setTransactionSerializableInsideTransactionPinsReads() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        f.run("BEGIN");
        f.run("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(0);
    }

    @Test
    void readWriteTransactionReadsFromPrimaryAndReadOnlyIsBalanced() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        f.run("START TRANSACTION READ WRITE");
        assertThat(f.run("SELECT 1").rule()).isEqualTo("read inside a transaction declared READ WRITE");
        f.run("COMMIT");
        f.run("BEGIN READ ONLY");
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(2);
    }

    @Test
    void serializableSessionDefaultKeepsEveryReadOnPrimary() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        f.run("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE");
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(0);
        f.run("SET default_transaction_isolation TO 'read committed'");
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(2);
    }

    @Test
    void failedTransactionStaysOnPrimaryUntilRollback() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        f.run("BEGIN");
        f.readyForQuery('E');
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(0);
        f.run("ROLLBACK");
        f.readyForQuery('I');
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(2);
    }

    @Test
    void lockingAndPrimaryOnlyStatementsGoToPrimary() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        assertThat(f.run("SELECT * FROM t WHERE id = 1 FOR UPDATE").rule())
                .isEqualTo("SELECT ... FOR UPDATE/SHARE locks rows (write statement)");
        assertThat(f.run("LOCK TABLE t").rule()).isEqualTo("LOCK takes table locks on the primary");
        assertThat(f.run("LISTEN jobs").rule()).isEqualTo("LISTEN runs on the primary");
        assertThat(f.run("NOTIFY jobs").nodeIds()).containsExactly(0);
        assertThat(f.run("SELECT 1; SELECT 2").rule()).isEqualTo("multi-statement query");
        assertThat(f.run("SELECT 'oops").nodeIds()).containsExactly(0);
    }

    // ---- tables -----------------------------------------------------------------------------

    @Test
    void tracedTemporaryTableReadsGoToPrimaryUntilDropped() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        f.run("CREATE TEMP TABLE scratch (id int)");
        RoutingDecision d = f.run("SELECT * FROM scratch");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).isEqualTo("reads temporary table scratch (check_temp_table=trace)");
        f.run("DROP TABLE scratch");
        assertThat(f.run("SELECT * FROM scratch").nodeIds()).containsExactly(2);
    }

    @Test
    void temporaryTableCreatedInRolledBackTransactionIsForgotten() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        f.run("BEGIN");
        f.run("CREATE TEMP TABLE scratch (id int)");
        f.run("ROLLBACK");
        f.readyForQuery('I');
        assertThat(f.session.tempTables()).isEmpty();
        assertThat(f.run("SELECT * FROM scratch").nodeIds()).containsExactly(2);
    }

    @Test
    void discardAllForgetsTemporaryTables() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        f.run("CREATE TEMP TABLE a (id int)");
        f.run("DISCARD ALL");
        assertThat(f.session.tempTables()).isEmpty();
    }

    @Test
    void checkTempTableNoneIgnoresTemporaryTables() {
        RoutingFixture f = new RoutingFixture(RoutingSettings.builder().checkTempTable(TempTableCheck.NONE)
                .checkUnloggedTable(false).build()).balancedTo(2);
        f.run("CREATE TEMP TABLE scratch (id int)");
        assertThat(f.run("SELECT * FROM scratch").nodeIds()).containsExactly(2);
    }

    @Test
    void catalogModeAndUnloggedCheckAskTheRelationLookup() {
        RelationPersistenceLookup catalog = RelationPersistenceLookup.fixed(Map.of(
                "other_session_temp", RelationPersistence.TEMPORARY, "fast_cache", RelationPersistence.UNLOGGED));
        RoutingFixture f = new RoutingFixture(RoutingSettings.builder().checkTempTable(TempTableCheck.CATALOG).build(),
                FunctionVolatilityLookup.fixed(Map.of()), catalog).balancedTo(2);
        assertThat(f.run("SELECT * FROM other_session_temp").rule())
                .isEqualTo("reads temporary table other_session_temp (check_temp_table=catalog)");
        assertThat(f.run("SELECT * FROM fast_cache").rule()).isEqualTo("reads unlogged table fast_cache (check_unlogged_table)");
        assertThat(f.run("SELECT * FROM plain").nodeIds()).containsExactly(2);
    }

    @Test
    void unknownRelationPersistenceGoesToPrimaryAndIsPending() {
        RoutingFixture f = new RoutingFixture(RoutingSettings.defaults(), FunctionVolatilityLookup.fixed(Map.of()),
                (db, rel) -> java.util.Optional.empty()).balancedTo(2);
        RoutingDecision d = f.run("SELECT * FROM orders");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.pendingRelations()).containsExactly("orders");
    }

    @Test
    void systemCatalogReadsGoToPrimary() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        assertThat(f.run("SELECT oid FROM pg_catalog.pg_class WHERE relname = 't'").rule())
                .isEqualTo("reads a system catalog (it may name temporary objects)");
    }

    // ---- replication delay ----------------------------------------------------------------

    @Test
    void standbyPastDelayThresholdIsExcluded() {
        RoutingFixture f = with(RoutingSettings.builder().delayThresholdBytes(1_000_000)).balancedTo(2);
        f.cluster = ClusterView.of(NodeView.primary(0, 1), NodeView.standby(1, 1),
                NodeView.standby(2, 1).withDelay(1_200_000, 0));
        RoutingDecision d = f.run("SELECT 1");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.rule()).isEqualTo("replication delay of the load-balance node is past the threshold");
        assertThat(d.notes()).extracting(RoutingDecision.Note::text)
                .containsExactly("standby 2 excluded: delay 1200000 > delay_threshold 1000000");
    }

    @Test
    void standbyWithinDelayThresholdStillReceivesReads() {
        RoutingFixture f = with(RoutingSettings.builder().delayThresholdBytes(1_000_000)).balancedTo(2);
        f.cluster = ClusterView.of(NodeView.primary(0, 1), NodeView.standby(1, 1),
                NodeView.standby(2, 1).withDelay(999_999, 0));
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(2);
    }

    @Test
    void preferLowerDelayStandbyPicksTheLeastDelayedStandby() {
        RoutingFixture f = with(RoutingSettings.builder().delayThresholdBytes(1_000).preferLowerDelayStandby(true))
                .balancedTo(2);
        f.cluster = ClusterView.of(NodeView.primary(0, 1), NodeView.standby(1, 1).withDelay(10, 0),
                NodeView.standby(2, 1).withDelay(5_000, 0), NodeView.standby(3, 1).withDelay(500, 0));
        RoutingDecision d = f.run("SELECT 1");
        assertThat(d.nodeIds()).containsExactly(1);
        assertThat(f.session.loadBalanceNode()).isEqualTo(1);
    }

    @Test
    void preferLowerDelayStandbyFallsBackToPrimaryWhenAllAreLate() {
        RoutingFixture f = with(RoutingSettings.builder().delayThresholdBytes(1_000).preferLowerDelayStandby(true))
                .balancedTo(2);
        f.cluster = ClusterView.of(NodeView.primary(0, 1), NodeView.standby(1, 1).withDelay(2_000, 0),
                NodeView.standby(2, 1).withDelay(5_000, 0));
        RoutingDecision d = f.run("SELECT 1");
        assertThat(d.nodeIds()).containsExactly(0);
        assertThat(d.notes()).extracting(RoutingDecision.Note::text).contains("every standby is past the delay threshold");
    }

    @Test
    void delayThresholdByTimeReplacesTheByteThreshold() {
        RoutingFixture f = with(RoutingSettings.builder().delayThresholdBytes(1).delayThresholdMillis(1_000))
                .balancedTo(2);
        f.cluster = ClusterView.of(NodeView.primary(0, 1), NodeView.standby(2, 1).withDelay(50_000, 999));
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(2);
        f.cluster = ClusterView.of(NodeView.primary(0, 1), NodeView.standby(2, 1).withDelay(0, 1_500));
        assertThat(f.run("SELECT 1").notes()).extracting(RoutingDecision.Note::text)
                .containsExactly("standby 2 excluded: replay lag 1500 ms > delay_threshold_by_time 1000 ms");
    }

    // ---- redirect preference lists --------------------------------------------------------

    @Test
    void databaseRedirectSendsReadsToTheNamedNode() {
        RoutingFixture f = with(RoutingSettings.builder().databaseRedirects("postgres:primary,ap+:2"));
        RoutingDecision d = f.run("SELECT 1");
        assertThat(d.nodeIds()).containsExactly(2);
        assertThat(d.rule()).isEqualTo("load balance: node 2 chosen by database_redirect_preference_list 'ap+:2'");
    }

    @Test
    void appNameRedirectTakesPrecedenceOverDatabase() {
        RoutingFixture f = with(RoutingSettings.builder().databaseRedirects("app:2").appNameRedirects("psql:primary"));
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(0);
    }

    @Test
    void userRedirectAppliesWhenNoOtherListMatches() {
        RoutingFixture f = with(RoutingSettings.builder().databaseRedirects("nomatch:2").userRedirects("ali.*:1"));
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(1);
    }

    @Test
    void standbyRedirectChoosesOnlyAmongStandbys() {
        RoutingFixture f = with(RoutingSettings.builder().databaseRedirects("app:standby").statementLevelLoadBalance(true));
        int[] counts = new int[3];
        for (int i = 0; i < 2_000; i++) {
            counts[f.run("SELECT 1").nodeId()]++;
        }
        assertThat(counts[0]).isZero();
        assertThat(counts[1]).isPositive();
        assertThat(counts[2]).isPositive();
    }

    @Test
    void redirectWeightSendsThatShareToTheTarget() {
        RoutingFixture f = with(RoutingSettings.builder().databaseRedirects("app:primary(0.3)")
                .statementLevelLoadBalance(true));
        int[] counts = new int[3];
        int trials = 50_000;
        for (int i = 0; i < trials; i++) {
            counts[f.run("SELECT 1").nodeId()]++;
        }
        assertThat(counts[0] / (double) trials).isCloseTo(0.3, within(0.01));
        assertThat(counts[1] / (double) trials).isCloseTo(0.35, within(0.01));
        assertThat(counts[2] / (double) trials).isCloseTo(0.35, within(0.01));
    }

    @Test
    void redirectToUnusableNodeFallsBackToWeights() {
        RoutingFixture f = with(RoutingSettings.builder().databaseRedirects("app:2"));
        f.cluster = ClusterView.of(NodeView.primary(0, 0), NodeView.standby(1, 1), NodeView.standby(2, 1).down());
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(1);
    }

    // ---- no primary -----------------------------------------------------------------------

    @Test
    void withoutPrimaryWritesHaveNoNodeButReadsStillBalance() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        f.cluster = ClusterView.of(NodeView.primary(0, 1).down(), NodeView.standby(1, 1), NodeView.standby(2, 1));
        RoutingDecision w = f.run("INSERT INTO t VALUES (1)");
        assertThat(w.target()).isEqualTo(Target.NO_NODE);
        assertThat(w.rule()).startsWith("no primary node is available");
        assertThat(f.run("SELECT 1").nodeIds()).containsExactly(2);
    }

    @Test
    void pipelinedBeginCountsBeforeItsReadyForQuery() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        f.run("BEGIN");          // no ReadyForQuery yet: Parse/Bind/Execute pipelined before Sync
        f.run("UPDATE t SET v = 1");
        assertThat(f.run("SELECT * FROM t").nodeIds()).containsExactly(0);
        f.readyForQuery('T');
        assertThat(f.session.writeInTransaction()).isTrue();
    }
}
