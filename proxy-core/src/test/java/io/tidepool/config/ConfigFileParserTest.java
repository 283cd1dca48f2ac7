package io.tidepool.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Syntax of pgpool.conf (PostgreSQL's configuration file syntax), rule by rule. */
class ConfigFileParserTest {

    @TempDir
    Path dir;

    private ConfigFileParser.Result parse(String text) {
        return new ConfigFileParser(dir).parseText("pgpool.conf", text);
    }

    private List<String> values(String text) {
        ConfigFileParser.Result result = parse(text);
        assertThat(result.errors()).isEmpty();
        return result.entries().stream().map(e -> e.name() + "=" + e.value()).toList();
    }

    private List<String> errors(String text) {
        return parse(text).errors().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void equalsSignIsOptional() {
        assertThat(values("port = 9999\nport 9998\nport=9997\n")).containsExactly("port=9999", "port=9998", "port=9997");
    }

    @Test
    void commentsStartAnywhereOutsideQuotes() {
        assertThat(values("""
                # a whole-line comment
                   # indented comment
                port = 9999   # trailing comment
                log_line_prefix = '%t # not a comment'#comment right after the quote
                """)).containsExactly("port=9999", "log_line_prefix=%t # not a comment");
    }

    @Test
    void blankLinesTabsCrLfAndByteOrderMarkAreIgnored() {
        assertThat(values("\uFEFF\r\n\tport\t=\t9999\r\n\r\n  \t \r\nssl = on\r\n"))
                .containsExactly("port=9999", "ssl=on");
    }

    @Test
    void doubledQuoteInsideQuotedStringIsOneQuote() {
        assertThat(values("wd_lifecheck_query = 'SELECT ''alive'''\nsr_check_password = ''\n"))
                .containsExactly("wd_lifecheck_query=SELECT 'alive'", "sr_check_password=");
    }

    @Test
    void backslashEscapesFollowPostgresql() {
        assertThat(parse("a = 'tab\\there\\nnew\\\\back\\'quote\\101\\q'\n").entries().get(0).value())
                .isEqualTo("tab\there\nnew\\back'quoteAq");
    }

    @Test
    void unquotedWordsNumbersAndUnitsAreSingleTokens() {
        assertThat(values("""
                backend_clustering_mode = streaming_replication
                ssl = ON
                child_life_time = 5min
                client_idle_limit_in_recovery = -1
                log_file_mode = 0600
                memqcache_total_size = 64MB
                backend_weight0 = 0.5
                relcache_size = 0x100
                backend_hostname0 = db-1.example.com
                delay_threshold_by_time = 1.5s
                """)).containsExactly("backend_clustering_mode=streaming_replication", "ssl=ON",
                "child_life_time=5min", "client_idle_limit_in_recovery=-1", "log_file_mode=0600",
                "memqcache_total_size=64MB", "backend_weight0=0.5", "relcache_size=0x100",
                "backend_hostname0=db-1.example.com", "delay_threshold_by_time=1.5s");
    }

    @Test
    void unterminatedQuoteIsReportedWithItsLine() {
        assertThat(errors("port = 9999\nlisten_addresses = 'localhost\nssl = on\n"))
                .containsExactly("pgpool.conf:2: unterminated quoted string in the value of listen_addresses");
    }

    @Test
    void garbageLinesAreSyntaxErrorsAndEveryOneIsReported() {
        assertThat(errors("""
                this is garbage
                = 5
                port = 99 99
                pid_file_name = /var/run/pgpool.pid
                listen_addresses = *
                port =
                """)).containsExactly(
                "pgpool.conf:1: syntax error near 'garbage' after the value of this (quote values that contain blanks)",
                "pgpool.conf:2: syntax error: expected a parameter name at '= 5'",
                "pgpool.conf:3: syntax error near '99' after the value of port (quote values that contain blanks)",
                "pgpool.conf:4: syntax error near '/var/run/pgpool.pid' in the value of pid_file_name"
                        + " (quote values that are not a single word or number)",
                "pgpool.conf:5: syntax error near '*' in the value of listen_addresses"
                        + " (quote values that are not a single word or number)",
                "pgpool.conf:6: syntax error: no value given for port");
    }

    @Test
    void goodLinesAroundErrorsAreStillRead() {
        ConfigFileParser.Result result = parse("port = 1\nnonsense here here\nssl = on\n");
        assertThat(result.entries()).extracting(ConfigEntry::name).containsExactly("port", "ssl");
        assertThat(result.entries()).extracting(ConfigEntry::line).containsExactly(1, 3);
    }

    @Test
    void includeReadsAFileRelativeToTheIncludingFile() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(dir.resolve("pgpool.conf"), "port = 1\ninclude 'conf.d/extra.conf'\nssl = on\n");
        Files.writeString(sub.resolve("extra.conf"), "num_init_children = 8\ninclude = 'more.conf'\n");
        Files.writeString(sub.resolve("more.conf"), "max_pool = 2\n");

        ConfigFileParser.Result result = new ConfigFileParser(dir).parse(dir.resolve("pgpool.conf"));

        assertThat(result.errors()).isEmpty();
        assertThat(result.entries()).extracting(e -> e.file() + ":" + e.line() + " " + e.name())
                .containsExactly("pgpool.conf:1 port", "conf.d/extra.conf:1 num_init_children",
                        "conf.d/more.conf:1 max_pool", "pgpool.conf:3 ssl");
    }

    @Test
    void missingIncludeIsAnErrorButIncludeIfExistsIsNot() throws IOException {
        Files.writeString(dir.resolve("pgpool.conf"),
                "include_if_exists 'optional.conf'\ninclude 'missing.conf'\n");

        ConfigFileParser.Result result = new ConfigFileParser(dir).parse(dir.resolve("pgpool.conf"));

        assertThat(result.errors()).extracting(ConfigProblem::toString).containsExactly(
                "pgpool.conf:2: included file 'missing.conf' not found: " + dir.resolve("missing.conf"));
    }

    @Test
    void includeCycleIsAnErrorNamingTheChain() throws IOException {
        Files.writeString(dir.resolve("pgpool.conf"), "include 'a.conf'\n");
        Files.writeString(dir.resolve("a.conf"), "port = 1\ninclude 'b.conf'\n");
        Files.writeString(dir.resolve("b.conf"), "include 'a.conf'\n");

        ConfigFileParser.Result result = new ConfigFileParser(dir).parse(dir.resolve("pgpool.conf"));

        assertThat(result.errors()).extracting(ConfigProblem::toString)
                .containsExactly("b.conf:1: include cycle: a.conf -> b.conf -> a.conf");
        assertThat(result.entries()).extracting(ConfigEntry::name).containsExactly("port");
    }

    @Test
    void fileIncludingItselfIsACycle() throws IOException {
        Files.writeString(dir.resolve("pgpool.conf"), "include 'pgpool.conf'\n");

        assertThat(new ConfigFileParser(dir).parse(dir.resolve("pgpool.conf")).errors())
                .extracting(ConfigProblem::toString)
                .containsExactly("pgpool.conf:1: include cycle: pgpool.conf -> pgpool.conf");
    }

    @Test
    void includeDirReadsConfFilesInNameOrder() throws IOException {
        Path d = Files.createDirectories(dir.resolve("d"));
        Files.writeString(d.resolve("20-b.conf"), "port = 2\n");
        Files.writeString(d.resolve("10-a.conf"), "port = 1\n");
        Files.writeString(d.resolve("ignored.txt"), "port = 3\n");
        Files.writeString(d.resolve(".hidden.conf"), "port = 4\n");
        Files.writeString(dir.resolve("pgpool.conf"), "include_dir 'd'\n");

        ConfigFileParser.Result result = new ConfigFileParser(dir).parse(dir.resolve("pgpool.conf"));

        assertThat(result.entries()).extracting(ConfigEntry::value).containsExactly("1", "2");
    }

    @Test
    void missingTopLevelFileIsAnError() {
        Path missing = dir.resolve("pgpool.conf");
        assertThat(new ConfigFileParser(dir).parse(missing).errors()).extracting(ConfigProblem::toString)
                .containsExactly("pgpool.conf: file not found: " + missing);
    }
}
