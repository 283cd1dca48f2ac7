package io.tidepool.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads pgpool.conf syntax, which is PostgreSQL's configuration file syntax:
 * <ul>
 *   <li>one setting per line, {@code name = value} or {@code name value}; {@code #} starts a comment
 *       anywhere outside quotes; blank lines are ignored;</li>
 *   <li>a value is a single-quoted string ({@code ''} is a quote; backslash escapes {@code \b \f \n
 *       \r \t}, octal {@code \ooo}, and {@code \x} for any other x), or one unquoted word: a number
 *       with an optional unit ({@code 5min}, {@code -1}, {@code 0x1F}, {@code 1.5}) or a word starting
 *       with a letter made of letters, digits and {@code _ - . : /};</li>
 *   <li>{@code include 'file'}, {@code include_if_exists 'file'} and {@code include_dir 'dir'} read other
 *       files (relative to the including file; a directory contributes its {@code *.conf} files in name
 *       order); cycles and nesting deeper than 10 are errors.</li>
 * </ul>
 * The parser only reads syntax; names and values are checked by {@link ConfigAssembler}. It collects
 * every syntax error instead of stopping at the first.
 */
final class ConfigFileParser {

    /** As PostgreSQL's CONF_FILE_MAX_DEPTH. */
    static final int MAX_INCLUDE_DEPTH = 10;

    private final Path baseDirectory;
    private final List<ConfigEntry> entries = new ArrayList<>();
    private final List<ConfigProblem> errors = new ArrayList<>();
    private final Deque<Path> includeStack = new ArrayDeque<>();

    /** @param baseDirectory directory of the top-level file; file labels are relative to it */
    ConfigFileParser(Path baseDirectory) {
        this.baseDirectory = baseDirectory.toAbsolutePath().normalize();
    }

    record Result(List<ConfigEntry> entries, List<ConfigProblem> errors) {
    }

    /** Reads {@code file} and everything it includes. A missing top-level file is an error too. */
    Result parse(Path file) {
        readFile(file.toAbsolutePath().normalize(), null, 0, false);
        return new Result(List.copyOf(entries), List.copyOf(errors));
    }

    /** Parses text that did not come from a disk file (tests, the console's editor). */
    Result parseText(String label, String text) {
        parseLines(label, Path.of(label), text, baseDirectory);
        return new Result(List.copyOf(entries), List.copyOf(errors));
    }

    String label(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(baseDirectory) ? baseDirectory.relativize(absolute).toString() : absolute.toString();
    }

    private void readFile(Path file, ConfigEntry includedBy, int depth, boolean missingOk) {
        if (includeStack.contains(file)) {
            errors.add(problemAt(includedBy, "include cycle: " + cycleText(file)));
            return;
        }
        if (depth > MAX_INCLUDE_DEPTH) {
            errors.add(problemAt(includedBy, "includes nested deeper than " + MAX_INCLUDE_DEPTH
                    + " levels at '" + label(file) + "'"));
            return;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            if (!missingOk) {
                errors.add(includedBy == null
                        ? new ConfigProblem(label(file), 0, "file not found: " + file)
                        : problemAt(includedBy, "included file '" + includedBy.value() + "' not found: " + file));
            }
            return;
        } catch (IOException e) {
            errors.add(includedBy == null
                    ? new ConfigProblem(label(file), 0, "cannot read " + file + ": " + e.getMessage())
                    : problemAt(includedBy, "cannot read included file " + file + ": " + e.getMessage()));
            return;
        }
        includeStack.push(file);
        try {
            parseLines(label(file), file, decode(bytes), file.getParent());
        } finally {
            includeStack.pop();
        }
    }

    /** The include chain from the outermost file to {@code repeated}, e.g. {@code a.conf -> b.conf -> a.conf}. */
    private String cycleText(Path repeated) {
        List<Path> chain = new ArrayList<>(includeStack);
        Collections.reverse(chain);
        List<String> labels = new ArrayList<>();
        boolean inCycle = false;
        for (Path p : chain) {
            inCycle |= p.equals(repeated);
            if (inCycle) {
                labels.add(label(p));
            }
        }
        labels.add(label(repeated));
        return String.join(" -> ", labels);
    }

    /** Configuration files are bytes; invalid UTF-8 is replaced rather than refused. */
    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder cannot fail", e);
        }
    }

    private void parseLines(String label, Path file, String text, Path directory) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            LineScanner.Outcome outcome = new LineScanner(lines[i]).scan();
            int lineNumber = i + 1;
            if (outcome instanceof LineScanner.Error error) {
                errors.add(new ConfigProblem(label, lineNumber, error.message()));
            } else if (outcome instanceof LineScanner.Setting setting) {
                ConfigEntry entry = new ConfigEntry(setting.name(), setting.value(), label, lineNumber);
                if (!include(entry, file, directory)) {
                    entries.add(entry);
                }
            }
        }
    }

    /** Handles the include directives; false when the line is an ordinary setting. */
    private boolean include(ConfigEntry entry, Path file, Path directory) {
        int depth = includeStack.size(); // the top-level file is depth 0, as in PostgreSQL
        switch (entry.name()) {
            case "include" -> readFile(resolve(directory, entry.value()), entry, depth, false);
            case "include_if_exists" -> readFile(resolve(directory, entry.value()), entry, depth, true);
            case "include_dir" -> includeDirectory(resolve(directory, entry.value()), entry, depth);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void includeDirectory(Path dir, ConfigEntry entry, int depth) {
        if (!Files.isDirectory(dir)) {
            errors.add(problemAt(entry, "included directory '" + entry.value() + "' not found: " + dir));
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> confs = files
                    .filter(p -> p.getFileName().toString().endsWith(".conf"))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
            for (Path conf : confs) {
                readFile(conf.toAbsolutePath().normalize(), entry, depth, false);
            }
        } catch (IOException e) {
            errors.add(problemAt(entry, "cannot list included directory " + dir + ": " + e.getMessage()));
        }
    }

    private static Path resolve(Path directory, String name) {
        Path p = Path.of(name);
        return (p.isAbsolute() ? p : directory.resolve(p)).toAbsolutePath().normalize();
    }

    private static ConfigProblem problemAt(ConfigEntry entry, String message) {
        return new ConfigProblem(entry.file(), entry.line(), message);
    }
}
