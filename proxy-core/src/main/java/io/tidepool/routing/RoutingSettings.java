package io.tidepool.routing;

import io.tidepool.config.ConfigSetting;
import io.tidepool.config.PgpoolConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pgpool.conf parameters that steer routing, parsed once. Built from a configuration by
 * {@link #fromConfig(PgpoolConfig)}; tests build it directly with {@link #builder()}.
 *
 * @param loadBalanceMode            {@code load_balance_mode}
 * @param statementLevelLoadBalance  {@code statement_level_load_balance}: choose the node per statement
 * @param disableLoadBalanceOnWrite  {@code disable_load_balance_on_write}
 * @param dmlAdaptiveRelations       {@code dml_adaptive_object_relationship_list}: object to the objects that
 *                                   depend on it; functions are written {@code name()}
 * @param readOnlyFunctions          {@code read_only_function_list}, anchored, case-insensitive
 * @param writeFunctions             {@code write_function_list}, anchored, case-insensitive
 * @param primaryRoutingQueryPatterns {@code primary_routing_query_pattern_list}, anchored, case-insensitive
 * @param databaseRedirects          {@code database_redirect_preference_list}
 * @param appNameRedirects           {@code app_name_redirect_preference_list}
 * @param userRedirects              {@code user_redirect_preference_list}
 * @param allowSqlComments           {@code allow_sql_comments}
 * @param ignoreLeadingWhiteSpace    {@code ignore_leading_white_space}
 * @param checkTempTable             {@code check_temp_table}
 * @param checkUnloggedTable         {@code check_unlogged_table}
 * @param delayThresholdBytes        {@code delay_threshold} (0: off)
 * @param delayThresholdMillis       {@code delay_threshold_by_time} (0: off)
 * @param preferLowerDelayStandby    {@code prefer_lower_delay_standby}
 */
public record RoutingSettings(
        boolean loadBalanceMode,
        boolean statementLevelLoadBalance,
        WritePolicy disableLoadBalanceOnWrite,
        Map<String, Set<String>> dmlAdaptiveRelations,
        List<Pattern> readOnlyFunctions,
        List<Pattern> writeFunctions,
        List<Pattern> primaryRoutingQueryPatterns,
        List<RedirectRule> databaseRedirects,
        List<RedirectRule> appNameRedirects,
        List<RedirectRule> userRedirects,
        boolean allowSqlComments,
        boolean ignoreLeadingWhiteSpace,
        TempTableCheck checkTempTable,
        boolean checkUnloggedTable,
        long delayThresholdBytes,
        long delayThresholdMillis,
        boolean preferLowerDelayStandby) {

    /** {@code disable_load_balance_on_write}. */
    public enum WritePolicy {
        OFF("off"), TRANSACTION("transaction"), TRANS_TRANSACTION("trans_transaction"), ALWAYS("always"),
        DML_ADAPTIVE("dml_adaptive");

        private final String configValue;

        WritePolicy(String configValue) {
            this.configValue = configValue;
        }

        public String configValue() {
            return configValue;
        }

        public static WritePolicy parse(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            for (WritePolicy p : values()) {
                if (p.configValue.equals(v)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("disable_load_balance_on_write: '" + value
                    + "' is not one of off, transaction, trans_transaction, always, dml_adaptive");
        }
    }

    /** {@code check_temp_table}; pgpool-II's older boolean values map to catalog (on) and none (off). */
    public enum TempTableCheck {
        CATALOG, TRACE, NONE;

        public static TempTableCheck parse(String value) {
            switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "catalog": case "on": case "true": case "1": return CATALOG;
                case "trace": return TRACE;
                case "none": case "off": case "false": case "0": return NONE;
                default:
                    throw new IllegalArgumentException("check_temp_table: '" + value
                            + "' is not one of catalog, trace, none");
            }
        }
    }

    public RoutingSettings {
        dmlAdaptiveRelations = Map.copyOf(dmlAdaptiveRelations);
        readOnlyFunctions = List.copyOf(readOnlyFunctions);
        writeFunctions = List.copyOf(writeFunctions);
        primaryRoutingQueryPatterns = List.copyOf(primaryRoutingQueryPatterns);
        databaseRedirects = List.copyOf(databaseRedirects);
        appNameRedirects = List.copyOf(appNameRedirects);
        userRedirects = List.copyOf(userRedirects);
        if (delayThresholdBytes < 0 || delayThresholdMillis < 0) {
            throw new IllegalArgumentException("delay thresholds must not be negative");
        }
    }

    /** pgpool-II 4.7's defaults. */
    public static RoutingSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.loadBalanceMode = loadBalanceMode;
        b.statementLevelLoadBalance = statementLevelLoadBalance;
        b.disableLoadBalanceOnWrite = disableLoadBalanceOnWrite;
        b.dmlAdaptiveRelations = dmlAdaptiveRelations;
        b.readOnlyFunctions = readOnlyFunctions;
        b.writeFunctions = writeFunctions;
        b.primaryRoutingQueryPatterns = primaryRoutingQueryPatterns;
        b.databaseRedirects = databaseRedirects;
        b.appNameRedirects = appNameRedirects;
        b.userRedirects = userRedirects;
        b.allowSqlComments = allowSqlComments;
        b.ignoreLeadingWhiteSpace = ignoreLeadingWhiteSpace;
        b.checkTempTable = checkTempTable;
        b.checkUnloggedTable = checkUnloggedTable;
        b.delayThresholdBytes = delayThresholdBytes;
        b.delayThresholdMillis = delayThresholdMillis;
        b.preferLowerDelayStandby = preferLowerDelayStandby;
        return b;
    }

    /**
     * Reads the routing parameters of a loaded configuration. This is the one place that knows
     * their names; a configuration that passed validation does not throw here.
     */
    public static RoutingSettings fromConfig(PgpoolConfig config) {
        return builder()
                .loadBalanceMode(config.getBoolean("load_balance_mode"))
                .statementLevelLoadBalance(config.getBoolean("statement_level_load_balance"))
                .disableLoadBalanceOnWrite(WritePolicy.parse(config.getString("disable_load_balance_on_write")))
                .dmlAdaptiveRelations(parseRelations(config.getString("dml_adaptive_object_relationship_list")))
                .readOnlyFunctions(patterns("read_only_function_list", config.getList("read_only_function_list")))
                .writeFunctions(patterns("write_function_list", config.getList("write_function_list")))
                // the text as written: a pattern may end in an escaped ';' ("...t1\;;...") that a plain
                // split at ';' would cut in the wrong place
                .primaryRoutingQueryPatterns(parsePatternList(config.setting("primary_routing_query_pattern_list")
                        .map(ConfigSetting::text).orElse("")))
                .databaseRedirects(RedirectRule.parseList("database_redirect_preference_list",
                        config.getString("database_redirect_preference_list")))
                .appNameRedirects(RedirectRule.parseList("app_name_redirect_preference_list",
                        config.getString("app_name_redirect_preference_list")))
                .userRedirects(RedirectRule.parseList("user_redirect_preference_list",
                        config.getString("user_redirect_preference_list")))
                .allowSqlComments(config.getBoolean("allow_sql_comments"))
                .ignoreLeadingWhiteSpace(config.getBoolean("ignore_leading_white_space"))
                .checkTempTable(TempTableCheck.parse(config.getString("check_temp_table")))
                .checkUnloggedTable(config.getBoolean("check_unlogged_table"))
                .delayThresholdBytes(config.getLong("delay_threshold"))
                .delayThresholdMillis(config.getDuration("delay_threshold_by_time").toMillis())
                .preferLowerDelayStandby(config.getBoolean("prefer_lower_delay_standby"))
                .build();
    }

    private static List<Pattern> patterns(String parameter, List<String> regexes) {
        List<Pattern> out = new ArrayList<>(regexes.size());
        for (String regex : regexes) {
            out.add(caseInsensitive(parameter, regex));
        }
        return List.copyOf(out);
    }

    /** A comma-separated list of regular expressions (function lists), each anchored, case-insensitive. */
    public static List<Pattern> parseRegexList(String parameter, String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<Pattern> out = new ArrayList<>();
        for (String item : value.split(",")) {
            String regex = item.trim();
            if (!regex.isEmpty()) {
                out.add(caseInsensitive(parameter, regex));
            }
        }
        return List.copyOf(out);
    }

    /**
     * {@code primary_routing_query_pattern_list}: regular expressions separated by ';'. A ';' the
     * pattern itself needs is written {@code \;} (which, left in place, matches a ';').
     */
    public static List<Pattern> parsePatternList(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<Pattern> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                current.append(c).append(value.charAt(++i));
            } else if (c == ';') {
                addPattern(out, current);
            } else {
                current.append(c);
            }
        }
        addPattern(out, current);
        return List.copyOf(out);
    }

    private static void addPattern(List<Pattern> out, StringBuilder current) {
        String regex = current.toString().trim();
        current.setLength(0);
        if (!regex.isEmpty()) {
            out.add(caseInsensitive("primary_routing_query_pattern_list", regex));
        }
    }

    private static Pattern caseInsensitive(String parameter, String regex) {
        Pattern anchored = RedirectRule.anchored(parameter, regex);
        return Pattern.compile(anchored.pattern(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }

    /**
     * {@code dml_adaptive_object_relationship_list}: {@code a:b,f():c} means writing {@code a}
     * (or calling the write function {@code f}) also makes {@code b} (or {@code c}) stale on standbys.
     */
    public static Map<String, Set<String>> parseRelations(String value) {
        if (value == null || value.isBlank()) {
            return Map.of();
        }
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String raw : value.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("dml_adaptive_object_relationship_list: entry '" + entry
                        + "' is not object:dependent-object");
            }
            String object = entry.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String dependent = entry.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            out.computeIfAbsent(object, k -> new LinkedHashSet<>()).add(dependent);
        }
        Map<String, Set<String>> frozen = new LinkedHashMap<>();
        out.forEach((k, v) -> frozen.put(k, Set.copyOf(v)));
        return Map.copyOf(frozen);
    }

    /** Mutable builder with pgpool-II's defaults. */
    public static final class Builder {
        private boolean loadBalanceMode = true;
        private boolean statementLevelLoadBalance;
        private WritePolicy disableLoadBalanceOnWrite = WritePolicy.TRANSACTION;
        private Map<String, Set<String>> dmlAdaptiveRelations = Map.of();
        private List<Pattern> readOnlyFunctions = List.of();
        private List<Pattern> writeFunctions = List.of();
        private List<Pattern> primaryRoutingQueryPatterns = List.of();
        private List<RedirectRule> databaseRedirects = List.of();
        private List<RedirectRule> appNameRedirects = List.of();
        private List<RedirectRule> userRedirects = List.of();
        private boolean allowSqlComments;
        private boolean ignoreLeadingWhiteSpace = true;
        private TempTableCheck checkTempTable = TempTableCheck.CATALOG;
        private boolean checkUnloggedTable = true;
        private long delayThresholdBytes;
        private long delayThresholdMillis;
        private boolean preferLowerDelayStandby;

        private Builder() {
        }

        public Builder loadBalanceMode(boolean v) { loadBalanceMode = v; return this; }
        public Builder statementLevelLoadBalance(boolean v) { statementLevelLoadBalance = v; return this; }
        public Builder disableLoadBalanceOnWrite(WritePolicy v) { disableLoadBalanceOnWrite = v; return this; }
        public Builder dmlAdaptiveRelations(Map<String, Set<String>> v) { dmlAdaptiveRelations = v; return this; }
        public Builder dmlAdaptiveRelations(String list) { return dmlAdaptiveRelations(parseRelations(list)); }
        public Builder readOnlyFunctions(List<Pattern> v) { readOnlyFunctions = v; return this; }
        public Builder readOnlyFunctions(String list) {
            return readOnlyFunctions(parseRegexList("read_only_function_list", list));
        }
        public Builder writeFunctions(List<Pattern> v) { writeFunctions = v; return this; }
        public Builder writeFunctions(String list) { return writeFunctions(parseRegexList("write_function_list", list)); }
        public Builder primaryRoutingQueryPatterns(List<Pattern> v) { primaryRoutingQueryPatterns = v; return this; }
        public Builder primaryRoutingQueryPatterns(String list) { return primaryRoutingQueryPatterns(parsePatternList(list)); }
        public Builder databaseRedirects(List<RedirectRule> v) { databaseRedirects = v; return this; }
        public Builder databaseRedirects(String list) {
            return databaseRedirects(RedirectRule.parseList("database_redirect_preference_list", list));
        }
        public Builder appNameRedirects(List<RedirectRule> v) { appNameRedirects = v; return this; }
        public Builder appNameRedirects(String list) {
            return appNameRedirects(RedirectRule.parseList("app_name_redirect_preference_list", list));
        }
        public Builder userRedirects(List<RedirectRule> v) { userRedirects = v; return this; }
        public Builder userRedirects(String list) {
            return userRedirects(RedirectRule.parseList("user_redirect_preference_list", list));
        }
        public Builder allowSqlComments(boolean v) { allowSqlComments = v; return this; }
        public Builder ignoreLeadingWhiteSpace(boolean v) { ignoreLeadingWhiteSpace = v; return this; }
        public Builder checkTempTable(TempTableCheck v) { checkTempTable = v; return this; }
        public Builder checkUnloggedTable(boolean v) { checkUnloggedTable = v; return this; }
        public Builder delayThresholdBytes(long v) { delayThresholdBytes = v; return this; }
        public Builder delayThresholdMillis(long v) { delayThresholdMillis = v; return this; }
        public Builder preferLowerDelayStandby(boolean v) { preferLowerDelayStandby = v; return this; }

        public RoutingSettings build() {
            return new RoutingSettings(loadBalanceMode, statementLevelLoadBalance, disableLoadBalanceOnWrite,
                    dmlAdaptiveRelations, readOnlyFunctions, writeFunctions, primaryRoutingQueryPatterns,
                    databaseRedirects, appNameRedirects, userRedirects, allowSqlComments, ignoreLeadingWhiteSpace,
                    checkTempTable, checkUnloggedTable, delayThresholdBytes, delayThresholdMillis,
                    preferLowerDelayStandby);
        }
    }
}
