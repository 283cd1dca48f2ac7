package io.tidepool.routing;

import io.tidepool.routing.RoutingDecision.Note;
import io.tidepool.routing.RoutingDecision.Target;
import io.tidepool.routing.RoutingSettings.TempTableCheck;
import io.tidepool.routing.RoutingSettings.WritePolicy;
import io.tidepool.routing.StatementClassification.TransactionModes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Decides, at each statement boundary, which node(s) run a statement, with pgpool-II's semantics
 * in streaming-replication mode (pgpool-II documentation, "Load Balancing" and "Streaming
 * Replication" chapters), and says which rule decided.
 *
 * <p>Order of the rules for a read, first match wins:
 * <ol>
 *   <li>load_balance_mode off; the {@code NO LOAD BALANCE} hint; a leading comment with
 *       allow_sql_comments off; leading white space with ignore_leading_white_space off;
 *       primary_routing_query_pattern_list;</li>
 *   <li>serializable as the session default (standbys refuse serializable transactions);</li>
 *   <li>inside an explicit transaction: a failed transaction, SERIALIZABLE, READ WRITE, and
 *       disable_load_balance_on_write (transaction, trans_transaction, dml_adaptive);</li>
 *   <li>disable_load_balance_on_write = always after any write;</li>
 *   <li>functions: sequence functions always; write_function_list, read_only_function_list, or
 *       else the function's volatility in pg_proc;</li>
 *   <li>system catalogs, temporary tables (check_temp_table), unlogged tables (check_unlogged_table);</li>
 *   <li>otherwise the load-balance node (redirect preference lists, backend weights), unless its
 *       replication delay is past delay_threshold / delay_threshold_by_time
 *       (prefer_lower_delay_standby picks the least-delayed standby instead of the primary).</li>
 * </ol>
 *
 * <p>Stateless apart from its settings and look-ups: one instance serves every session, from any
 * thread. Per-session facts live in {@link SessionRoutingState}.
 */
public final class Router {

    /**
     * Rules of the commands most statements are, built once (a rule is otherwise a new string per
     * statement); other commands get theirs built when they come.
     */
    private static final Map<String, String> WRITE_RULES = rules(Router::writeStatementRule,
            "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "COPY", "CREATE TABLE", "DROP TABLE", "ALTER");
    private static final Map<String, String> SESSION_NODES_RULES = rules(Router::sessionNodesRule,
            "BEGIN", "START TRANSACTION", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE",
            "ROLLBACK TO SAVEPOINT", "SET", "RESET", "DISCARD", "DEALLOCATE ALL");

    /** One-node lists of node ids 0..127 (pgpool-II's limit), one per id rather than one per statement. */
    private static final List<List<Integer>> SINGLE_NODES = IntStream.range(0, 128).mapToObj(List::of).toList();

    /** Sequence functions write (nextval, setval) or read session state only the primary has (currval, lastval). */
    private static final Set<String> SEQUENCE_FUNCTIONS = Set.of("nextval", "setval", "currval", "lastval");

    private final RoutingSettings settings;
    private final FunctionVolatilityLookup functions;
    private final RelationPersistenceLookup relations;
    private final Supplier<RandomGenerator> random;
    private final WeightedRotation rotation;

    /** A router that breaks load-balance ties and draws redirect shares from {@link ThreadLocalRandom}. */
    public Router(RoutingSettings settings, FunctionVolatilityLookup functions, RelationPersistenceLookup relations) {
        this(settings, functions, relations, ThreadLocalRandom::current);
    }

    /**
     * @param random source of randomness for weighted choices; tests pass a seeded generator.
     *               Called on the routing thread, so it must be safe there.
     */
    public Router(RoutingSettings settings, FunctionVolatilityLookup functions, RelationPersistenceLookup relations,
                  Supplier<RandomGenerator> random) {
        this(settings, functions, relations, random, new WeightedRotation());
    }

    private Router(RoutingSettings settings, FunctionVolatilityLookup functions, RelationPersistenceLookup relations,
                   Supplier<RandomGenerator> random, WeightedRotation rotation) {
        this.settings = settings;
        this.functions = functions;
        this.relations = relations;
        this.random = random;
        this.rotation = rotation;
    }

    public RoutingSettings settings() {
        return settings;
    }

    /**
     * A router with other settings and the same look-ups, randomness and load-balance rotation: a
     * session whose {@code PGPOOL SET} changed a routing parameter routes with it (same instance
     * when nothing changes).
     */
    public Router withSettings(RoutingSettings other) {
        return other.equals(settings) ? this : new Router(other, functions, relations, random, rotation);
    }

    // ---------------------------------------------------------------------------------------
    // Routing

    /** Decides where {@code statement} runs for this session in this cluster. */
    public RoutingDecision route(StatementClassification statement, SessionRoutingState session, ClusterView cluster) {
        RoutingDecision d = decide(statement, session, cluster);
        return statement.writes() && !d.countsAsWrite() ? asWrite(d) : d;
    }

    private static RoutingDecision asWrite(RoutingDecision d) {
        return new RoutingDecision(d.target(), d.nodeIds(), d.rule(), d.notes(), d.loadBalanceNode(),
                d.pendingFunctions(), d.pendingRelations(), true);
    }

    private RoutingDecision decide(StatementClassification statement, SessionRoutingState session, ClusterView cluster) {
        int primary = cluster.primaryId();
        switch (statement.kind()) {
            case EMPTY:
                return toPrimary(primary, session, "empty query", statement.writes());
            case UNREADABLE:
                return toPrimary(primary, session, "statement could not be classified (" + statement.detail() + ")",
                        statement.writes());
            case MULTI_STATEMENT:
                return toPrimary(primary, session, "multi-statement query", statement.writes());
            case WRITE:
                return toPrimary(primary, session, writeRule(statement), statement.writes());
            case PRIMARY_ONLY:
                return toPrimary(primary, session, statement.command() + " runs on the primary", statement.writes());
            case TRANSACTION_BEGIN:
            case TRANSACTION_END:
            case SESSION_STATE:
                return toSessionNodes(primary, session, cluster, statement.command());
            case READ:
                return routeRead(statement, session, cluster, primary);
            default:
                throw new AssertionError(statement.kind());
        }
    }

    private static String writeRule(StatementClassification s) {
        if (s.locking() && s.command().startsWith("LOCK")) {
            return "LOCK takes table locks on the primary";
        }
        if (s.locking()) {
            return "SELECT ... FOR UPDATE/SHARE locks rows (write statement)";
        }
        if (s.command().endsWith(" INTO")) {
            return "SELECT INTO creates a table (write statement)";
        }
        String rule = WRITE_RULES.get(s.command());
        return rule != null ? rule : writeStatementRule(s.command());
    }

    private static String writeStatementRule(String command) {
        return "write statement (" + command + ")";
    }

    private static String sessionNodesRule(String command) {
        return command + " goes to every node the session uses";
    }

    private RoutingDecision routeRead(StatementClassification s, SessionRoutingState session, ClusterView cluster,
                                      int primary) {
        if (!settings.loadBalanceMode()) {
            return toPrimary(primary, session, "load_balance_mode is off");
        }
        if (s.noLoadBalanceHint()) {
            return toPrimary(primary, session, "/*NO LOAD BALANCE*/ comment");
        }
        if (s.leadingComment() && !settings.allowSqlComments()) {
            return toPrimary(primary, session, "statement starts with a comment and allow_sql_comments is off");
        }
        if (s.leadingWhitespace() && !settings.ignoreLeadingWhiteSpace()) {
            return toPrimary(primary, session, "statement starts with white space and ignore_leading_white_space is off");
        }
        for (Pattern p : settings.primaryRoutingQueryPatterns()) {
            if (p.matcher(s.text().strip()).matches()) {
                return toPrimary(primary, session, "primary_routing_query_pattern_list matched '"
                        + unanchored(p) + "'");
            }
        }
        if (session.sessionSerializable()) {
            return toPrimary(primary, session,
                    "default_transaction_isolation is serializable (standbys cannot run serializable transactions)");
        }
        WritePolicy policy = settings.disableLoadBalanceOnWrite();
        if (session.transactionStatus().inTransaction()) {
            if (session.transactionStatus() == TransactionStatus.FAILED) {
                return toPrimary(primary, session, "transaction has failed; statements stay on the primary until it ends");
            }
            if (session.transactionSerializable()) {
                return toPrimary(primary, session, "read inside a SERIALIZABLE transaction");
            }
            if (session.transactionReadWrite()) {
                return toPrimary(primary, session, "read inside a transaction declared READ WRITE");
            }
            if ((policy == WritePolicy.TRANSACTION || policy == WritePolicy.TRANS_TRANSACTION)
                    && session.writeInTransaction()) {
                return toPrimary(primary, session, "read inside transaction after write (disable_load_balance_on_write="
                        + policy.configValue() + ")");
            }
            if (policy == WritePolicy.TRANS_TRANSACTION && session.writeInSession()) {
                return toPrimary(primary, session, "read inside transaction after an earlier write in this session "
                        + "(disable_load_balance_on_write=trans_transaction)");
            }
            if (policy == WritePolicy.DML_ADAPTIVE && !session.modifiedInTransaction().isEmpty()) {
                for (String table : s.readTables()) {
                    if (session.modifiedInTransaction().contains(table)
                            || session.modifiedInTransaction().contains(bareName(table))) {
                        return toPrimary(primary, session, "read of " + table + ", modified earlier in this transaction "
                                + "(disable_load_balance_on_write=dml_adaptive)");
                    }
                }
            }
        }
        if (policy == WritePolicy.ALWAYS && session.writeInSession()) {
            return toPrimary(primary, session, "read after a write in this session (disable_load_balance_on_write=always)");
        }

        // Functions
        Set<String> pendingFunctions = Set.of();
        for (String function : s.functions()) {
            String why = writingFunctionReason(function, session.database());
            if (why == null) {
                continue;
            }
            if (why.isEmpty()) {
                if (pendingFunctions.isEmpty()) {
                    pendingFunctions = new LinkedHashSet<>();
                }
                pendingFunctions.add(function);
                continue;
            }
            return asWrite(toPrimary(primary, session, why));
        }
        if (!pendingFunctions.isEmpty()) {
            // counted as a write: until pg_proc answers, the function may well write
            return new RoutingDecision(Target.PRIMARY, primaryList(primary),
                    "volatility of " + String.join(", ", pendingFunctions) + "() not known yet; looking it up in pg_proc",
                    List.of(), session.loadBalanceNode(), pendingFunctions, Set.of(), true);
        }

        // Relations
        if (s.readsSystemCatalog()) {
            return toPrimary(primary, session, "reads a system catalog (it may name temporary objects)");
        }
        Set<String> pendingRelations = Set.of();
        boolean traceTemps = settings.checkTempTable() != TempTableCheck.NONE;
        boolean catalogTemps = settings.checkTempTable() == TempTableCheck.CATALOG;
        for (String table : s.readTables()) {
            if (traceTemps && (session.tempTables().contains(table) || table.startsWith("pg_temp."))) {
                return toPrimary(primary, session, "reads temporary table " + table + " (check_temp_table="
                        + settings.checkTempTable().name().toLowerCase(java.util.Locale.ROOT) + ")");
            }
            if (!catalogTemps && !settings.checkUnloggedTable()) {
                continue;
            }
            Optional<RelationPersistence> persistence = relations.cached(session.database(), table);
            if (persistence.isEmpty()) {
                if (pendingRelations.isEmpty()) {
                    pendingRelations = new LinkedHashSet<>();
                }
                pendingRelations.add(table);
            } else if (catalogTemps && persistence.get() == RelationPersistence.TEMPORARY) {
                return toPrimary(primary, session, "reads temporary table " + table + " (check_temp_table=catalog)");
            } else if (settings.checkUnloggedTable() && persistence.get() == RelationPersistence.UNLOGGED) {
                return toPrimary(primary, session, "reads unlogged table " + table + " (check_unlogged_table)");
            }
        }
        if (!pendingRelations.isEmpty()) {
            return new RoutingDecision(Target.PRIMARY, primaryList(primary),
                    "persistence of " + String.join(", ", pendingRelations) + " not known yet; looking it up in pg_class",
                    List.of(), session.loadBalanceNode(), Set.of(), pendingRelations, false);
        }
        return loadBalance(session, cluster, primary);
    }

    /**
     * Why {@code function} makes the statement a write: a reason, {@code ""} when its volatility is
     * not known yet, or {@code null} when it does not write.
     */
    private String writingFunctionReason(String function, String database) {
        String bare = bareName(function);
        if (SEQUENCE_FUNCTIONS.contains(bare)) {
            return "function " + bare + "() uses a sequence (runs on the primary)";
        }
        if (!settings.writeFunctions().isEmpty()) {
            for (Pattern p : settings.writeFunctions()) {
                if (p.matcher(bare).matches() || p.matcher(function).matches()) {
                    return "function " + function + "() matches write_function_list '" + unanchored(p) + "'";
                }
            }
            return null;
        }
        if (!settings.readOnlyFunctions().isEmpty()) {
            for (Pattern p : settings.readOnlyFunctions()) {
                if (p.matcher(bare).matches() || p.matcher(function).matches()) {
                    return null;
                }
            }
            return "function " + function + "() is not in read_only_function_list";
        }
        Optional<FunctionVolatility> volatility = functions.cached(database, function);
        if (volatility.isEmpty()) {
            return "";
        }
        return volatility.get().mayWrite() ? "function " + function + "() is volatile (pg_proc)" : null;
    }

    private RoutingDecision loadBalance(SessionRoutingState session, ClusterView cluster, int primary) {
        List<Note> notes = new ArrayList<>(2);
        int node;
        String rule;
        Optional<NodeView> current = cluster.node(session.loadBalanceNode());
        boolean currentUsable = current.isPresent() && current.get().usable();
        if (!settings.statementLevelLoadBalance() && currentUsable) {
            node = session.loadBalanceNode();
            rule = session.loadBalanceRule();
        } else {
            if (session.loadBalanceNode() >= 0 && !currentUsable) {
                notes.add(new Note(session.loadBalanceNode(), "node " + session.loadBalanceNode()
                        + " is no longer usable; load-balance node chosen again"));
            }
            Choice choice = chooseLoadBalanceNode(session, cluster);
            node = choice.node();
            if (node < 0) {
                return noNode("no usable node for a read");
            }
            rule = (settings.statementLevelLoadBalance() ? "statement-level load balance: " : "load balance: ")
                    + "node " + node + " chosen by " + choice.rule();
        }
        NodeView chosen = cluster.node(node).orElseThrow();
        String delay = delayExcess(chosen);
        if (delay != null) {
            notes.add(new Note(node, "standby " + node + " excluded: " + delay));
            if (settings.preferLowerDelayStandby()) {
                NodeView best = null;
                for (NodeView n : cluster.nodes()) {
                    if (n.usable() && !n.isPrimary() && n.weight() > 0 && delayExcess(n) == null
                            && (best == null || delayOf(n) < delayOf(best))) {
                        best = n;
                    }
                }
                if (best != null) {
                    // the least-delayed standby becomes the session's load-balance node
                    return new RoutingDecision(Target.LOAD_BALANCE_NODE, only(best.id()),
                            "load balance: node " + best.id() + " chosen by prefer_lower_delay_standby (lowest delay "
                                    + delayOf(best) + (settings.delayThresholdMillis() > 0 ? " ms)" : " bytes)"),
                            notes, chosenForSession(session, best.id()), Set.of(), Set.of(), false);
                }
                notes.add(new Note(-1, "every standby is past the delay threshold"));
            }
            if (primary < 0) {
                return noNode("load-balance node is past the delay threshold and no primary is available");
            }
            return new RoutingDecision(Target.PRIMARY, only(primary),
                    "replication delay of the load-balance node is past the threshold", notes,
                    chosenForSession(session, node), Set.of(), Set.of(), false);
        }
        return new RoutingDecision(Target.LOAD_BALANCE_NODE, only(node), rule, notes,
                chosenForSession(session, node), Set.of(), Set.of(), false);
    }

    /** With statement-level balancing the session keeps no node; otherwise it keeps this one. */
    private int chosenForSession(SessionRoutingState session, int node) {
        return settings.statementLevelLoadBalance() ? session.loadBalanceNode() : node;
    }

    /** Why a standby is past the threshold, or null. delay_threshold_by_time, when set, replaces delay_threshold. */
    private String delayExcess(NodeView n) {
        if (n.isPrimary()) {
            return null;
        }
        if (settings.delayThresholdMillis() > 0) {
            return n.replicationDelayMillis() > settings.delayThresholdMillis()
                    ? "replay lag " + n.replicationDelayMillis() + " ms > delay_threshold_by_time "
                    + settings.delayThresholdMillis() + " ms"
                    : null;
        }
        if (settings.delayThresholdBytes() > 0) {
            return n.replicationDelayBytes() > settings.delayThresholdBytes()
                    ? "delay " + n.replicationDelayBytes() + " > delay_threshold " + settings.delayThresholdBytes()
                    : null;
        }
        return null;
    }

    private long delayOf(NodeView n) {
        return settings.delayThresholdMillis() > 0 ? n.replicationDelayMillis() : n.replicationDelayBytes();
    }

    // ---------------------------------------------------------------------------------------
    // Load-balance node choice

    /** A load-balance choice and the rule that made it ({@code node} -1 when no node is usable). */
    public record Choice(int node, String rule) {
    }

    /**
     * Chooses a load-balance node: the redirect preference lists first (application name, then
     * database, then user; the first matching entry of a list wins), else the next of a weighted
     * rotation over the usable nodes with {@code backend_weight > 0}, the primary included (see
     * {@link WeightedRotation}: every node gets its weight's share from the first sessions on).
     */
    public Choice chooseLoadBalanceNode(SessionRoutingState session, ClusterView cluster) {
        RandomGenerator rnd = random.get();
        Choice redirected = redirect("app_name_redirect_preference_list", settings.appNameRedirects(),
                session.applicationName(), cluster, rnd);
        if (redirected == null) {
            redirected = redirect("database_redirect_preference_list", settings.databaseRedirects(),
                    session.database(), cluster, rnd);
        }
        if (redirected == null) {
            redirected = redirect("user_redirect_preference_list", settings.userRedirects(), session.user(), cluster, rnd);
        }
        if (redirected != null) {
            return redirected;
        }
        List<NodeView> candidates = new ArrayList<>(cluster.nodes().size());
        for (NodeView n : cluster.nodes()) {
            if (n.usable() && n.weight() > 0) {
                candidates.add(n);
            }
        }
        if (candidates.isEmpty()) {
            int primary = cluster.primaryId();
            return primary >= 0 ? new Choice(primary, "fallback to the primary (no node has backend_weight > 0)")
                    : new Choice(-1, "no usable node");
        }
        NodeView chosen = rotation.next(candidates, rnd);
        return new Choice(chosen.id(), "backend_weight (" + weight(chosen.weight()) + " of "
                + weight(totalWeight(candidates)) + ")");
    }

    private Choice redirect(String parameter, List<RedirectRule> rules, String value, ClusterView cluster,
                            RandomGenerator rnd) {
        for (RedirectRule rule : rules) {
            if (!rule.matches(value)) {
                continue;
            }
            List<NodeView> targets = new ArrayList<>();
            List<NodeView> others = new ArrayList<>();
            for (NodeView n : cluster.nodes()) {
                if (!n.usable()) {
                    continue;
                }
                boolean isTarget = switch (rule.target()) {
                    case PRIMARY -> n.isPrimary();
                    case STANDBY -> !n.isPrimary();
                    case NODE -> n.id() == rule.nodeId();
                };
                if (isTarget) {
                    targets.add(n);
                } else if (n.weight() > 0) {
                    others.add(n);
                }
            }
            if (targets.isEmpty()) {
                return null; // the preferred node is not usable: ordinary load balancing
            }
            String source = parameter + " '" + rule.source() + "'";
            if (rule.weight() >= 1.0 || others.isEmpty() || rnd.nextDouble() < rule.weight()) {
                NodeView chosen = weightedOrUniform(targets, rnd);
                return new Choice(chosen.id(), source);
            }
            NodeView chosen = weighted(others, rnd);
            return new Choice(chosen.id(), source + " (the other " + weight(1.0 - rule.weight())
                    + " of choices, by backend_weight)");
        }
        return null;
    }

    private static NodeView weightedOrUniform(List<NodeView> nodes, RandomGenerator rnd) {
        return totalWeight(nodes) > 0 ? weighted(nodes, rnd) : nodes.get(rnd.nextInt(nodes.size()));
    }

    /** Weighted random choice; nodes with weight 0 are never chosen unless all weigh 0. */
    private static NodeView weighted(List<NodeView> nodes, RandomGenerator rnd) {
        double total = totalWeight(nodes);
        if (total <= 0) {
            return nodes.get(rnd.nextInt(nodes.size()));
        }
        double r = rnd.nextDouble() * total;
        NodeView last = nodes.get(0);
        for (NodeView n : nodes) {
            if (n.weight() <= 0) {
                continue;
            }
            last = n;
            r -= n.weight();
            if (r < 0) {
                return n;
            }
        }
        return last; // rounding
    }

    private static double totalWeight(List<NodeView> nodes) {
        double total = 0;
        for (NodeView n : nodes) {
            total += n.weight();
        }
        return total;
    }

    private static String weight(double w) {
        return w == Math.rint(w) ? Long.toString((long) w) : Double.toString(Math.round(w * 1000) / 1000.0);
    }

    // ---------------------------------------------------------------------------------------
    // State transitions

    /**
     * The session state after {@code statement} was sent as {@code decision} said. Transaction
     * boundaries are anticipated here (a pipelined BEGIN makes the next Parse part of the
     * transaction before any ReadyForQuery arrives); the ReadyForQuery then confirms them.
     */
    public SessionRoutingState afterStatement(SessionRoutingState session, StatementClassification statement,
                                              RoutingDecision decision) {
        SessionRoutingState s = session.usingNodes(decision.nodeIds());
        if (decision.target() != Target.NO_NODE && decision.loadBalanceNode() != s.loadBalanceNode()) {
            s = s.withLoadBalanceNode(decision.loadBalanceNode(), decisionRule(decision));
        }
        switch (statement.kind()) {
            case TRANSACTION_BEGIN -> {
                s = s.onReadyForQuery(TransactionStatus.IN_TRANSACTION);
                s = applyModes(s, statement.transactionModes());
            }
            case TRANSACTION_END -> {
                boolean rollback = statement.command().equals("ROLLBACK") || statement.command().equals("ABORT");
                s = (rollback ? s.withRollbackPending() : s).onReadyForQuery(TransactionStatus.IDLE);
            }
            case SESSION_STATE -> s = applyModes(s, statement.transactionModes());
            default -> {
            }
        }
        boolean writes = decision.countsAsWrite();
        Set<String> modified = writes ? modifiedObjects(statement) : Set.of();
        boolean temps = settings.checkTempTable() != TempTableCheck.NONE
                && (!statement.createdTempTables().isEmpty() || !statement.droppedTables().isEmpty()
                || statement.discardsTempTables());
        if (!writes && !temps) {
            return s;
        }
        boolean inTransaction = s.transactionStatus().inTransaction();
        Set<String> tempTables = s.tempTables();
        if (temps) {
            Set<String> t = new HashSet<>(statement.discardsTempTables() ? Set.of() : tempTables);
            t.removeAll(statement.droppedTables());
            t.addAll(statement.createdTempTables());
            tempTables = t;
        }
        Set<String> modifiedInTransaction = s.modifiedInTransaction();
        if (inTransaction && settings.disableLoadBalanceOnWrite() == WritePolicy.DML_ADAPTIVE && !modified.isEmpty()) {
            Set<String> m = new HashSet<>(modifiedInTransaction);
            m.addAll(modified);
            modifiedInTransaction = m;
        }
        boolean writeInTransaction = s.writeInTransaction() || (inTransaction && writes);
        boolean writeInSession = s.writeInSession() || writes;
        if (writeInTransaction == s.writeInTransaction() && writeInSession == s.writeInSession()
                && modifiedInTransaction == s.modifiedInTransaction() && tempTables == s.tempTables()) {
            return s; // a further write where one was already noted: nothing new
        }
        return new SessionRoutingState(s.database(), s.user(), s.applicationName(), s.transactionStatus(),
                s.loadBalanceNode(), s.nodesInUse(), writeInTransaction, writeInSession, modifiedInTransaction,
                tempTables, s.tempTablesAtTransactionStart(), s.transactionSerializable(), s.transactionReadWrite(),
                s.sessionSerializable(), s.rollbackPending(), s.loadBalanceRule());
    }

    private static String decisionRule(RoutingDecision d) {
        String rule = d.rule();
        int by = rule.indexOf(" chosen by ");
        return by >= 0 ? rule.substring(by + " chosen by ".length()) : rule;
    }

    private static SessionRoutingState applyModes(SessionRoutingState s, TransactionModes modes) {
        if (modes == TransactionModes.NONE) {
            return s;
        }
        boolean sessionSerializable = s.sessionSerializable();
        boolean txSerializable = s.transactionSerializable();
        boolean txReadWrite = s.transactionReadWrite();
        if (modes.sessionDefault()) {
            if (modes.isolation() != StatementClassification.Isolation.UNSPECIFIED) {
                sessionSerializable = modes.serializable();
            }
        } else if (s.transactionStatus().inTransaction()) {
            if (modes.isolation() != StatementClassification.Isolation.UNSPECIFIED) {
                txSerializable = modes.serializable();
            }
            if (modes.access() != StatementClassification.Access.UNSPECIFIED) {
                txReadWrite = modes.readWrite();
            }
        }
        return new SessionRoutingState(s.database(), s.user(), s.applicationName(), s.transactionStatus(),
                s.loadBalanceNode(), s.nodesInUse(), s.writeInTransaction(), s.writeInSession(),
                s.modifiedInTransaction(), s.tempTables(), s.tempTablesAtTransactionStart(),
                txSerializable || (sessionSerializable && s.transactionStatus().inTransaction()), txReadWrite,
                sessionSerializable, s.rollbackPending(), s.loadBalanceRule());
    }

    /**
     * Objects a writing statement makes stale on standbys (dml_adaptive): the tables it writes,
     * the write functions it calls written {@code name()}, and everything the relationship list
     * says depends on those.
     */
    private Set<String> modifiedObjects(StatementClassification statement) {
        if (settings.disableLoadBalanceOnWrite() != WritePolicy.DML_ADAPTIVE) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String t : statement.writtenTables()) {
            out.add(t);
            out.add(bareName(t));
        }
        for (String f : statement.functions()) {
            out.add(bareName(f) + "()");
        }
        // dependents, transitively (the list may chain a:b, b:c)
        List<String> work = new ArrayList<>(out);
        while (!work.isEmpty()) {
            String object = work.remove(work.size() - 1);
            for (String dependent : settings.dmlAdaptiveRelations().getOrDefault(object, Set.of())) {
                if (out.add(dependent)) {
                    work.add(dependent);
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // Helpers

    private static RoutingDecision toPrimary(int primary, SessionRoutingState session, String rule) {
        return toPrimary(primary, session, rule, false);
    }

    private static RoutingDecision toPrimary(int primary, SessionRoutingState session, String rule,
                                             boolean countsAsWrite) {
        if (primary < 0) {
            return noNode("no primary node is available (" + rule + ")");
        }
        return new RoutingDecision(Target.PRIMARY, only(primary), rule, List.of(), session.loadBalanceNode(),
                Set.of(), Set.of(), countsAsWrite);
    }

    /** The one-node list of {@code node}: shared instances for the usual ids, one per decision otherwise. */
    private static List<Integer> only(int node) {
        return node >= 0 && node < SINGLE_NODES.size() ? SINGLE_NODES.get(node) : List.of(node);
    }

    private static Map<String, String> rules(UnaryOperator<String> rule, String... commands) {
        Map<String, String> out = new HashMap<>();
        for (String command : commands) {
            out.put(command, rule.apply(command));
        }
        return Map.copyOf(out);
    }

    private static List<Integer> primaryList(int primary) {
        return primary < 0 ? List.of() : only(primary);
    }

    private static RoutingDecision noNode(String rule) {
        return new RoutingDecision(Target.NO_NODE, List.of(), rule, List.of(), -1, Set.of(), Set.of(), false);
    }

    /** Every node the session uses, the primary first; the primary alone when nothing is in use yet. */
    private static RoutingDecision toSessionNodes(int primary, SessionRoutingState session, ClusterView cluster,
                                                  String command) {
        String rule = SESSION_NODES_RULES.get(command);
        if (rule == null) {
            rule = sessionNodesRule(command);
        }
        Set<Integer> inUse = session.nodesInUse();
        if (primary >= 0 && (inUse.isEmpty() || (inUse.size() == 1 && inUse.contains(primary)))) {
            // the common case, a session on the primary alone: no list to build and sort
            return new RoutingDecision(Target.SESSION_NODES, only(primary), rule, List.of(),
                    session.loadBalanceNode(), Set.of(), Set.of(), false);
        }
        List<Integer> nodes = new ArrayList<>();
        List<Note> notes = new ArrayList<>(0);
        if (primary >= 0) {
            nodes.add(primary);
        }
        for (Integer n : new java.util.TreeSet<>(session.nodesInUse())) {
            if (n == primary) {
                continue;
            }
            if (cluster.isUsable(n)) {
                nodes.add(n);
            } else {
                notes.add(new Note(n, "node " + n + " is no longer usable"));
            }
        }
        if (nodes.isEmpty()) {
            return noNode("no usable node for " + command);
        }
        return new RoutingDecision(Target.SESSION_NODES, nodes, rule, notes, session.loadBalanceNode(), Set.of(),
                Set.of(), false);
    }

    private static String bareName(String qualified) {
        int dot = qualified.lastIndexOf('.');
        return dot < 0 ? qualified : qualified.substring(dot + 1);
    }

    private static String unanchored(Pattern p) {
        String s = p.pattern();
        return s.startsWith("^(?:") && s.endsWith(")$") ? s.substring(4, s.length() - 2) : s;
    }
}
