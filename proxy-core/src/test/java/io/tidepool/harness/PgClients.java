package io.tidepool.harness;

import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.ops.local.PgBinaries;
import io.tidepool.ops.local.PgEndpoint;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real PostgreSQL clients against any endpoint (a cluster node or the proxy in front of it):
 * {@code psql} and {@code pgbench} as processes with their exit status and output captured,
 * and pgJDBC connections.
 *
 * <pre>{@code
 * CommandResult r = PgClients.psql(node.endpoint(), "create table t(i int)", "insert into t values (1)");
 * assertThat(r.exitCode()).as(r.describe()).isZero();
 *
 * PgEndpoint viaProxy = node.endpoint().withAddress("127.0.0.1", proxyPort);
 * PgClients.pgbench(viaProxy, "-i", "-s", "1").orThrow("pgbench -i");
 * CommandResult run = PgClients.pgbench(viaProxy, "--protocol=extended", "-c", "4", "-T", "5");
 * double tps = PgClients.tps(run).orElseThrow();
 * }</pre>
 *
 * <p>The clients are the ones beside the server binaries ({@link PgBinaries}), so they match the
 * server version. Passwords go through {@code PGPASSWORD}; no {@code ~/.psqlrc} or
 * {@code ~/.pgpass} of the person running the tests is read ({@code -X}, {@code PGPASSFILE}
 * pointed at nothing). A client that outlives its timeout is killed and reported with its
 * output so far.
 */
public final class PgClients {

    public static final Duration PSQL_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration PGBENCH_TIMEOUT = Duration.ofMinutes(10);

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\((?:without|excluding)");

    private PgClients() {
    }

    /**
     * Runs each of {@code sql} with {@code -c}, unaligned and tuples-only ({@code -At}), stopping at
     * the first error ({@code ON_ERROR_STOP}). Exit status: 0 done, 1 an SQL error, 2 no or a lost
     * connection (3 is for errors in scripts given with {@link #psqlWithArgs} {@code -f}).
     */
    public static CommandResult psql(PgEndpoint endpoint, String... sql) {
        List<String> args = new ArrayList<>(List.of("-At", "-v", "ON_ERROR_STOP=1"));
        for (String statement : sql) {
            args.add("-c");
            args.add(statement);
        }
        return psqlWithArgs(endpoint, args, "");
    }

    public static CommandResult psql(String host, int port, String user, String database, String... sql) {
        return psql(new PgEndpoint(host, port, user, "", database), sql);
    }

    /** psql with arguments of your own ({@code -f}, {@code -1}, {@code --echo-all}...) and text for its standard input. */
    public static CommandResult psqlWithArgs(PgEndpoint endpoint, List<String> args, String stdin) {
        List<String> argv = new ArrayList<>(List.of(PgBinaries.locate().psql().toString(), "-X", "-q",
                "-h", endpoint.host(), "-p", Integer.toString(endpoint.port()), "-U", endpoint.user(), "-d", endpoint.database()));
        argv.addAll(args);
        return run(argv, endpoint, PSQL_TIMEOUT, stdin);
    }

    /** pgbench with {@code args} (for example {@code "-i", "-s", "1"} or {@code "-S", "-c", "8", "-T", "5"}). */
    public static CommandResult pgbench(PgEndpoint endpoint, String... args) {
        return pgbench(endpoint, PGBENCH_TIMEOUT, args);
    }

    public static CommandResult pgbench(PgEndpoint endpoint, Duration timeout, String... args) {
        List<String> argv = new ArrayList<>(List.of(PgBinaries.locate().pgbench().toString(),
                "-h", endpoint.host(), "-p", Integer.toString(endpoint.port()), "-U", endpoint.user()));
        argv.addAll(List.of(args));
        argv.add(endpoint.database());
        return run(argv, endpoint, timeout, "");
    }

    public static CommandResult pgbench(String host, int port, String user, String database, String... args) {
        return pgbench(new PgEndpoint(host, port, user, "", database), args);
    }

    /** The TPS pgbench reported (the figure without connection time), if its output has one. */
    public static OptionalDouble tps(CommandResult pgbenchRun) {
        Matcher matcher = TPS.matcher(pgbenchRun.stdout());
        return matcher.find() ? OptionalDouble.of(Double.parseDouble(matcher.group(1))) : OptionalDouble.empty();
    }

    /** The rows {@code sql} returns, each as column label = text, in column order. */
    public static List<Map<String, String>> rows(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rows(rs);
        }
    }

    /** The remaining rows of {@code rs}, each as column label = text, in column order. */
    public static List<Map<String, String>> rows(ResultSet rs) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i <= columns; i++) {
                row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
            }
            rows.add(row);
        }
        return rows;
    }

    /** A pgJDBC connection (10 s connect timeout, no SSL); the caller closes it. */
    public static Connection jdbc(PgEndpoint endpoint) throws SQLException {
        return LocalNode.connect(endpoint);
    }

    /**
     * The server ports that answered {@code show port} over {@code sessions} pgJDBC sessions opened
     * one after another, {@code reads} statements each: through a proxy, where its reads went.
     */
    public static Set<Integer> showPortAnswers(PgEndpoint endpoint, int sessions, int reads) throws SQLException {
        Set<Integer> ports = new HashSet<>();
        for (int session = 0; session < sessions; session++) {
            try (Connection c = jdbc(endpoint); Statement st = c.createStatement()) {
                for (int i = 0; i < reads; i++) {
                    try (ResultSet rs = st.executeQuery("show port")) {
                        rs.next();
                        ports.add(rs.getInt(1));
                    }
                }
            }
        }
        return ports;
    }

    private static CommandResult run(List<String> argv, PgEndpoint endpoint, Duration timeout, String stdin) {
        ExternalCommand command = ExternalCommand.of(argv)
                .timeout(timeout)
                .env("PGCONNECT_TIMEOUT", "10")
                .env("PGPASSFILE", "/dev/null")
                .env("PGSSLMODE", "disable")
                .stdin(stdin);
        if (!endpoint.password().isEmpty()) {
            command.env("PGPASSWORD", endpoint.password());
        }
        return command.run();
    }
}
