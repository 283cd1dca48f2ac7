package io.tidepool.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Puts the pieces together: parse, assemble, cross-check, build the immutable {@link PgpoolConfig}. */
final class ConfigLoader {

    /** The file label of values given through {@link PgpoolConfig#fromMap}. */
    static final String MAP_LABEL = "fromMap";

    private ConfigLoader() {
    }

    static PgpoolConfig load(Path file) throws ConfigException {
        Path source = file.toAbsolutePath().normalize();
        Path directory = source.getParent();
        ParameterCatalog catalog = ParameterCatalog.standard();
        ConfigAssembler assembler = new ConfigAssembler(catalog);

        parseInto(assembler, new ConfigFileParser(directory), source);
        Path tidepoolConf = directory.resolve(PgpoolConfig.TIDEPOOL_CONF);
        if (Files.isRegularFile(tidepoolConf)) {
            parseInto(assembler, new ConfigFileParser(directory), tidepoolConf);
        }
        int nodeId = readNodeId(directory, assembler);
        return finish(catalog, assembler, Optional.of(source), directory, nodeId);
    }

    static PgpoolConfig fromMap(Map<String, String> values, Path directory) throws ConfigException {
        ParameterCatalog catalog = ParameterCatalog.standard();
        ConfigAssembler assembler = new ConfigAssembler(catalog);
        List<ConfigEntry> entries = new ArrayList<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            entries.add(new ConfigEntry(e.getKey(), unquote(e.getValue(), e.getKey(), assembler), MAP_LABEL, 0));
        }
        assembler.addAll(entries);
        return finish(catalog, assembler, Optional.empty(), directory, 0);
    }

    private static void parseInto(ConfigAssembler assembler, ConfigFileParser parser, Path file) {
        ConfigFileParser.Result parsed = parser.parse(file);
        parsed.errors().forEach(assembler::error);
        assembler.addAll(parsed.entries());
    }

    /** A map value written as in a file: {@code 'text'} with quote rules, or the bare text. */
    private static String unquote(String value, String name, ConfigAssembler assembler) {
        String v = value.strip();
        if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
            LineScanner.Outcome outcome = new LineScanner("x = " + v).scan();
            if (outcome instanceof LineScanner.Setting setting) {
                return setting.value();
            }
            assembler.error(new ConfigProblem(MAP_LABEL, 0, "invalid quoting in the value of " + name + ": " + value));
        }
        return v;
    }

    /** pgpool_node_id holds one number: which of the hostnameN watchdog slots is this proxy. */
    private static int readNodeId(Path directory, ConfigAssembler assembler) {
        Path file = directory.resolve(PgpoolConfig.PGPOOL_NODE_ID_FILE);
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        String text;
        try {
            text = Files.readString(file).strip();
        } catch (IOException e) {
            assembler.error(new ConfigProblem(PgpoolConfig.PGPOOL_NODE_ID_FILE, 0, "cannot read: " + e.getMessage()));
            return 0;
        }
        try {
            int id = Integer.parseInt(text);
            if (id >= 0 && id < WatchdogParameters.MAX_WATCHDOG_NODES) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        assembler.error(new ConfigProblem(PgpoolConfig.PGPOOL_NODE_ID_FILE, 1, "invalid node id '" + text
                + "' (expected an integer 0.." + (WatchdogParameters.MAX_WATCHDOG_NODES - 1) + ")"));
        return 0;
    }

    private static PgpoolConfig finish(ParameterCatalog catalog, ConfigAssembler assembler, Optional<Path> source,
                                       Path directory, int nodeId) throws ConfigException {
        PgpoolConfig unchecked = new PgpoolConfig(catalog, assembler.settings(), List.of(), source, directory,
                List.of(), nodeId);
        ConfigChecks.Outcome checked = ConfigChecks.run(unchecked, source.map(p -> p.getFileName().toString())
                .orElse(MAP_LABEL));
        checked.errors().forEach(assembler::error);
        checked.warnings().forEach(assembler::warning);
        if (!assembler.errors().isEmpty()) {
            throw new ConfigException(assembler.errors());
        }
        return new PgpoolConfig(catalog, assembler.settings(), assembler.warnings(), source, directory,
                checked.backends(), nodeId);
    }
}
