package io.tidepool.auth.hba;

import io.tidepool.config.ConfigException;
import io.tidepool.config.ConfigProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolHbaTest {

    @TempDir
    Path dir;

    private static final HostResolver NO_DNS = new HostResolver() {
        @Override
        public Optional<String> reverse(InetAddress address) {
            throw new AssertionError("no DNS look-up expected");
        }

        @Override
        public List<InetAddress> forward(String name) {
            throw new AssertionError("no DNS look-up expected");
        }
    };
    private static final HbaAddress.LocalNetworks NO_NETWORKS = List::of;

    private PoolHba parse(String content) throws ConfigException {
        return PoolHba.parse(content, dir.resolve("pool_hba.conf"));
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    private static Optional<HbaMethod> method(PoolHba hba, HbaClient client) {
        return hba.match(client, NO_DNS, NO_NETWORKS).map(HbaRule::method);
    }

    private List<ConfigProblem> problemsOf(String content) {
        try {
            parse(content);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the file to be rejected");
    }

    // ---------------------------------------------------------------- types and first match

    @Test
    void firstMatchingLineDecides() throws Exception {
        PoolHba hba = parse("""
                host all alice 127.0.0.1/32 reject
                host all all   127.0.0.1/32 md5
                host all all   0.0.0.0/0    scram-sha-256
                """);

        assertThat(method(hba, HbaClient.tcp(ip("127.0.0.1"), false, "alice", "db"))).contains(HbaMethod.REJECT);
        assertThat(method(hba, HbaClient.tcp(ip("127.0.0.1"), false, "bob", "db"))).contains(HbaMethod.MD5);
        assertThat(method(hba, HbaClient.tcp(ip("10.1.2.3"), false, "bob", "db"))).contains(HbaMethod.SCRAM_SHA_256);
    }

    @Test
    void noMatchingLineMeansNoRule() throws Exception {
        PoolHba hba = parse("host all all 10.0.0.0/8 trust\n");

        HbaClient client = HbaClient.tcp(ip("127.0.0.1"), false, "alice", "db");
        assertThat(hba.match(client, NO_DNS, NO_NETWORKS)).isEmpty();
        assertThat(PoolHba.noEntryMessage(client))
                .isEqualTo("no pool_hba.conf entry for host \"127.0.0.1\", user \"alice\", database \"db\", no encryption");
    }

    @Test
    void emptyFileMatchesNobody() throws Exception {
        PoolHba hba = parse("# nothing here\n\n   \n");

        assertThat(hba.rules()).isEmpty();
        assertThat(method(hba, HbaClient.local("alice", "db"))).isEmpty();
    }

    @Test
    void localLinesCoverOnlyUnixSocketClients() throws Exception {
        PoolHba hba = parse("local all all trust\n");

        assertThat(method(hba, HbaClient.local("alice", "db"))).contains(HbaMethod.TRUST);
        assertThat(method(hba, HbaClient.tcp(ip("127.0.0.1"), false, "alice", "db"))).isEmpty();
    }

    @Test
    void hostSslAndHostNoSslSplitOnTls() throws Exception {
        PoolHba hba = parse("""
                hostssl   all all 0.0.0.0/0 scram-sha-256
                hostnossl all all 0.0.0.0/0 reject
                """);

        assertThat(method(hba, HbaClient.tcp(ip("127.0.0.1"), true, "a", "d"))).contains(HbaMethod.SCRAM_SHA_256);
        assertThat(method(hba, HbaClient.tcp(ip("127.0.0.1"), false, "a", "d"))).contains(HbaMethod.REJECT);
        assertThat(method(hba, HbaClient.local("a", "d"))).isEmpty();
    }

    @Test
    void hostSslLineIsSkippedForAPlainClientSoALaterLineDecides() throws Exception {
        PoolHba hba = parse("""
                hostssl all all 127.0.0.1/32 trust
                host    all all 127.0.0.1/32 reject
                """);

        assertThat(method(hba, HbaClient.tcp(ip("127.0.0.1"), false, "a", "d"))).contains(HbaMethod.REJECT);
    }

    // ---------------------------------------------------------------- databases and users

    @Test
    void commaListsWithAndWithoutSpacesAfterTheComma() throws Exception {
        PoolHba hba = parse("host db1,db2, db3 alice, bob 127.0.0.1/32 trust\n");

        HbaRule rule = hba.rules().get(0);
        assertThat(rule.databases().names()).containsExactlyInAnyOrder("db1", "db2", "db3");
        assertThat(rule.users().names()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(rule.method()).isEqualTo(HbaMethod.TRUST);
        assertThat(method(hba, HbaClient.tcp(ip("127.0.0.1"), false, "bob", "db3"))).contains(HbaMethod.TRUST);
        assertThat(method(hba, HbaClient.tcp(ip("127.0.0.1"), false, "carol", "db3"))).isEmpty();
        assertThat(method(hba, HbaClient.tcp(ip("127.0.0.1"), false, "bob", "db4"))).isEmpty();
    }

    @Test
    void sameUserMatchesTheDatabaseNamedAfterTheUser() throws Exception {
        PoolHba hba = parse("local sameuser all md5\n");

        assertThat(method(hba, HbaClient.local("alice", "alice"))).contains(HbaMethod.MD5);
        assertThat(method(hba, HbaClient.local("alice", "bob"))).isEmpty();
    }

    @Test
    void quotedKeywordIsALiteralName() throws Exception {
        PoolHba hba = parse("local \"all\" \"sameuser\" trust\n");

        assertThat(method(hba, HbaClient.local("sameuser", "all"))).contains(HbaMethod.TRUST);
        assertThat(method(hba, HbaClient.local("alice", "alice"))).isEmpty();
    }

    @Test
    void quotedNamesKeepSpacesCommasAndCase() throws Exception {
        PoolHba hba = parse("local \"My DB\",\"a,b\" \"Alice \"\"A\"\"\" trust\n");

        assertThat(method(hba, HbaClient.local("Alice \"A\"", "My DB"))).contains(HbaMethod.TRUST);
        assertThat(method(hba, HbaClient.local("Alice \"A\"", "a,b"))).contains(HbaMethod.TRUST);
        assertThat(method(hba, HbaClient.local("alice \"a\"", "My DB"))).as("names are case-sensitive").isEmpty();
    }

    @Test
    void keywordsAreCaseInsensitive() throws Exception {
        PoolHba hba = parse("HOST ALL All 127.0.0.1/32 MD5\n");

        assertThat(method(hba, HbaClient.tcp(ip("127.0.0.1"), false, "x", "y"))).contains(HbaMethod.MD5);
    }

    @Test
    void atFileListsNamesFromAFileBesideIncludingNested() throws Exception {
        Files.writeString(dir.resolve("admins"), "alice, bob  # the admins\n\"carol c\"\n@more\n");
        Files.writeString(dir.resolve("more"), "dave\n");
        Files.writeString(dir.resolve("dbs"), "app reporting\n");
        PoolHba hba = parse("host @dbs @admins 127.0.0.1/32 trust\n");

        for (String user : List.of("alice", "bob", "carol c", "dave")) {
            assertThat(method(hba, HbaClient.tcp(ip("127.0.0.1"), false, user, "reporting"))).as(user)
                    .contains(HbaMethod.TRUST);
        }
        assertThat(method(hba, HbaClient.tcp(ip("127.0.0.1"), false, "eve", "app"))).isEmpty();
        assertThat(method(hba, HbaClient.tcp(ip("127.0.0.1"), false, "alice", "postgres"))).isEmpty();
    }

    @Test
    void missingAtFileIsAnErrorWithFileAndLine() {
        List<ConfigProblem> problems = problemsOf("local all all trust\nlocal all @nobody trust\n");

        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).line()).isEqualTo(2);
        assertThat(problems.get(0).file()).endsWith("pool_hba.conf");
        assertThat(problems.get(0).message()).contains("@nobody").contains("no such file");
    }

    @Test
    void selfIncludingAtFileStopsAtTheDepthLimit() throws Exception {
        Files.writeString(dir.resolve("loop"), "@loop\n");

        assertThat(problemsOf("local all @loop trust\n").get(0).message()).contains("nested deeper than");
    }

    // ---------------------------------------------------------------- addresses

    @ParameterizedTest(name = "{0} with client {1} matches: {2}")
    @CsvSource({
            "127.0.0.1/32, 127.0.0.1, true",
            "127.0.0.1/32, 127.0.0.2, false",
            "10.0.0.0/8, 10.200.3.4, true",
            "10.0.0.0/8, 11.0.0.1, false",
            "192.168.1.77/24, 192.168.1.200, true",
            "0.0.0.0/0, 203.0.113.9, true",
            "0.0.0.0/0, ::1, false",
            "::1/128, ::1, true",
            "::1/128, 127.0.0.1, false",
            "fe80::/10, fe80::1234, true",
            "2001:db8::/32, 2001:db9::1, false",
            "::/0, 2001:db8::1, true",
            "127.0.0.0/8, ::ffff:127.0.0.9, true",
    })
    void cidrAddresses(String cidr, String client, boolean matches) throws Exception {
        PoolHba hba = parse("host all all " + cidr + " trust\n");

        assertThat(method(hba, HbaClient.tcp(ip(client), false, "u", "d")).isPresent()).isEqualTo(matches);
    }

    @Test
    void addressFollowedByAMask() throws Exception {
        PoolHba hba = parse("""
                host all all 192.168.0.0 255.255.0.0 md5
                host all all ::1 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff trust
                """);

        assertThat(method(hba, HbaClient.tcp(ip("192.168.44.1"), false, "u", "d"))).contains(HbaMethod.MD5);
        assertThat(method(hba, HbaClient.tcp(ip("192.169.0.1"), false, "u", "d"))).isEmpty();
        assertThat(method(hba, HbaClient.tcp(ip("::1"), false, "u", "d"))).contains(HbaMethod.TRUST);
    }

    @Test
    void allAddressMatchesEveryTcpClient() throws Exception {
        PoolHba hba = parse("host all all all trust\n");

        assertThat(method(hba, HbaClient.tcp(ip("198.51.100.1"), false, "u", "d"))).contains(HbaMethod.TRUST);
        assertThat(method(hba, HbaClient.tcp(ip("2001:db8::5"), false, "u", "d"))).contains(HbaMethod.TRUST);
    }

    @Test
    void sameHostAndSameNetUseTheProxysOwnInterfaces() throws Exception {
        List<HbaAddress.LocalNetworks.InterfaceNet> nets = List.of(
                new HbaAddress.LocalNetworks.InterfaceNet(ip("127.0.0.1"), 8),
                new HbaAddress.LocalNetworks.InterfaceNet(ip("192.168.7.10"), 24));
        HbaAddress.LocalNetworks networks = () -> nets;
        PoolHba sameHost = parse("host all all samehost trust\n");
        PoolHba sameNet = parse("host all all samenet trust\n");

        assertThat(sameHost.match(HbaClient.tcp(ip("192.168.7.10"), false, "u", "d"), NO_DNS, networks)).isPresent();
        assertThat(sameHost.match(HbaClient.tcp(ip("192.168.7.11"), false, "u", "d"), NO_DNS, networks)).isEmpty();
        assertThat(sameNet.match(HbaClient.tcp(ip("192.168.7.11"), false, "u", "d"), NO_DNS, networks)).isPresent();
        assertThat(sameNet.match(HbaClient.tcp(ip("127.4.5.6"), false, "u", "d"), NO_DNS, networks)).isPresent();
        assertThat(sameNet.match(HbaClient.tcp(ip("192.168.8.1"), false, "u", "d"), NO_DNS, networks)).isEmpty();
    }

    @Test
    void sameHostWithTheRealInterfacesCoversLoopback() throws Exception {
        PoolHba hba = parse("host all all samehost trust\n");

        assertThat(hba.match(HbaClient.tcp(ip("127.0.0.1"), false, "u", "d"), NO_DNS,
                HbaAddress.LocalNetworks.system())).isPresent();
    }

    /** A resolver with fixed answers that counts its calls. */
    private static final class FakeDns implements HostResolver {
        final Map<String, String> ptr;
        final Map<String, List<String>> a;
        int calls;

        FakeDns(Map<String, String> ptr, Map<String, List<String>> a) {
            this.ptr = ptr;
            this.a = a;
        }

        @Override
        public Optional<String> reverse(InetAddress address) {
            calls++;
            return Optional.ofNullable(ptr.get(address.getHostAddress()));
        }

        @Override
        public List<InetAddress> forward(String name) {
            calls++;
            return a.getOrDefault(name, List.of()).stream().map(s -> {
                try {
                    return InetAddress.getByName(s);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    @Test
    void hostNameMatchesWhenReverseAndForwardLookupsAgree() throws Exception {
        FakeDns dns = new FakeDns(Map.of("10.0.0.5", "app1.example.com"), Map.of("app1.example.com", List.of("10.0.0.5")));
        PoolHba exact = parse("host all all app1.example.com md5\n");
        PoolHba suffix = parse("host all all .example.com md5\n");
        PoolHba other = parse("host all all app2.example.com md5\n");

        HbaClient client = HbaClient.tcp(ip("10.0.0.5"), false, "u", "d");
        assertThat(exact.match(client, dns, NO_NETWORKS)).isPresent();
        assertThat(suffix.match(client, dns, NO_NETWORKS)).isPresent();
        assertThat(other.match(client, dns, NO_NETWORKS)).isEmpty();
        assertThat(exact.needsHostNameLookups()).isTrue();
    }

    @Test
    void hostNameFromASpoofedPtrRecordDoesNotMatch() throws Exception {
        // The attacker controls the PTR record of its own address, not the A record of the name.
        FakeDns dns = new FakeDns(Map.of("203.0.113.66", "app1.example.com"), Map.of("app1.example.com", List.of("10.0.0.5")));
        PoolHba hba = parse("host all all app1.example.com trust\n");

        assertThat(hba.match(HbaClient.tcp(ip("203.0.113.66"), false, "u", "d"), dns, NO_NETWORKS)).isEmpty();
    }

    @Test
    void addressWithoutPtrRecordMatchesNoHostNameLine() throws Exception {
        FakeDns dns = new FakeDns(Map.of(), Map.of());
        PoolHba hba = parse("host all all .example.com trust\nhost all all app.example.com trust\n");

        assertThat(hba.match(HbaClient.tcp(ip("10.9.9.9"), false, "u", "d"), dns, NO_NETWORKS)).isEmpty();
        assertThat(dns.calls).as("one reverse look-up per match, none forward").isEqualTo(1);
    }

    @Test
    void rulesWithoutHostNamesNeverTouchDns() throws Exception {
        PoolHba hba = parse("host all all 10.0.0.0/8 trust\nhost all all samenet md5\n");

        assertThat(hba.needsHostNameLookups()).isFalse();
        assertThat(method(hba, HbaClient.tcp(ip("192.0.2.1"), false, "u", "d"))).isEmpty();
    }

    // ---------------------------------------------------------------- methods and options

    @ParameterizedTest
    @CsvSource({"trust, TRUST", "reject, REJECT", "password, PASSWORD", "md5, MD5",
            "scram-sha-256, SCRAM_SHA_256"})
    void everyMethodKeyword(String keyword, HbaMethod expected) throws Exception {
        assertThat(parse("host all all all " + keyword + "\n").rules().get(0).method()).isEqualTo(expected);
    }

    @Test
    void certIsVerifyFullAndOnlyOnHostSsl() throws Exception {
        HbaRule rule = parse("hostssl all all all cert\n").rules().get(0);

        assertThat(rule.method()).isEqualTo(HbaMethod.CERT);
        assertThat(rule.clientCert()).isEqualTo(HbaRule.ClientCertCheck.VERIFY_FULL);
        assertThat(problemsOf("host all all all cert\n").get(0).message())
                .contains("cert authentication is only supported on hostssl lines");
    }

    @Test
    void clientCertOptionOnHostSsl() throws Exception {
        PoolHba hba = parse("""
                hostssl all all all scram-sha-256 clientcert=verify-ca
                hostssl all all all md5 clientcert=verify-full
                hostssl all all all trust
                """);

        assertThat(hba.rules()).extracting(HbaRule::clientCert).containsExactly(
                HbaRule.ClientCertCheck.VERIFY_CA, HbaRule.ClientCertCheck.VERIFY_FULL, HbaRule.ClientCertCheck.NONE);
    }

    @Test
    void continuationLinesJoinAndKeepTheFirstLineNumber() throws Exception {
        PoolHba hba = parse("# header\nhost all \\\n    all 127.0.0.1/32 \\\n    md5\nlocal all all trust\n");

        assertThat(hba.rules()).extracting(HbaRule::line).containsExactly(2, 5);
        assertThat(hba.rules().get(0).method()).isEqualTo(HbaMethod.MD5);
        assertThat(hba.rules().get(0).location()).endsWith("pool_hba.conf:2");
    }

    @Test
    void trailingCommentsAndCarriageReturnsAreIgnored() throws Exception {
        PoolHba hba = parse("host all all 127.0.0.1/32 md5   # loopback\r\nlocal all all trust#x\r\n");

        assertThat(hba.rules()).extracting(HbaRule::method).containsExactly(HbaMethod.MD5, HbaMethod.TRUST);
    }

    // ---------------------------------------------------------------- errors

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "hosts all all all trust | invalid connection type \"hosts\"",
            "host all all all | end of line before the authentication method field",
            "host all all | end of line before the address field",
            "local all | end of line before the user field",
            "host all all 127.0.0.1/33 trust | invalid CIDR mask in address \"127.0.0.1/33\"",
            "host all all ::1/129 trust | the prefix must be 0..128",
            "host all all 127.0.0.1/x trust | invalid CIDR mask",
            "host all all 300.0.0.1/8 trust | invalid IP address \"300.0.0.1\"",
            "host all all 127.0.0.1 trust | invalid IP address \"trust\"",
            "host all all 10.0.0.0 255.0.0.0 | end of line before the authentication method field",
            "host all all 10.0.0.0 ffff:: trust | do not match in address family",
            "host all all bad_host! trust | invalid IP address or host name \"bad_host!\"",
            "host all all all md6 | invalid authentication method \"md6\"",
            "host all all all ldap | authentication method \"ldap\" is not supported by Tidepool",
            "local all all pam | authentication method \"pam\" is not supported by Tidepool",
            "host all all all md5 map=x | unknown authentication option \"map\"",
            "host all all all md5 clientcert | not in name=value form",
            "host all all all md5 clientcert=verify-ca | clientcert can only be configured for hostssl lines",
            "hostssl all all all cert clientcert=verify-ca | clientcert only accepts verify-full",
            "hostssl all all all md5 clientcert=maybe | invalid value for clientcert",
            "host all +admins all md5 | group membership (\"+admins\") is not supported",
            "host samerole all all md5 | \"samerole\" is not supported",
            "host all sameuser all md5 | \"sameuser\" is only valid in the database field",
            "host all all all,samenet md5 | multiple values in the address field",
            "host all \"alice all all md5 | unterminated quoted string",
            "host all alice, all md5 | end of line before the authentication method field",
            "host all alice,,bob all md5 | empty item in a comma-separated list",
    })
    void brokenLineIsRejectedWithItsLineNumber(String line, String expected) {
        List<ConfigProblem> problems = problemsOf("local all all trust\n" + line + "\n");

        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).line()).isEqualTo(2);
        assertThat(problems.get(0).message()).contains(expected);
        assertThat(problems.get(0).toString()).startsWith(dir.resolve("pool_hba.conf") + ":2: ");
    }

    @Test
    void everyBrokenLineIsReportedAndNoRuleIsKept() {
        List<ConfigProblem> problems = problemsOf("""
                host all all all trust
                host all all all nope
                local all all trust
                bogus
                """);

        assertThat(problems).extracting(ConfigProblem::line).containsExactly(2, 4);
    }

    @Test
    void missingFileTellsHowToFixIt() {
        assertThatThrownBy(() -> PoolHba.load(dir.resolve("absent.conf")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("absent.conf").hasMessageContaining("enable_pool_hba = off");
    }

    // ---------------------------------------------------------------- reload

    @Test
    void reloadSwapsRulesAndKeepsTheOldOnesWhenTheNewFileIsBroken() throws Exception {
        Path file = dir.resolve("pool_hba.conf");
        Files.writeString(file, "host all all all md5\n");
        PoolHbaHolder holder = PoolHbaHolder.load(file);
        HbaClient client = HbaClient.tcp(ip("127.0.0.1"), false, "u", "d");
        assertThat(method(holder.current(), client)).contains(HbaMethod.MD5);

        Files.writeString(file, "host all all all scram-sha-256\n");
        assertThat(holder.reload()).isTrue();
        assertThat(method(holder.current(), client)).contains(HbaMethod.SCRAM_SHA_256);

        Files.writeString(file, "host all all all trust\nhost all all all scram-sha-257\n");
        assertThat(holder.reload()).isFalse();
        assertThat(method(holder.current(), client)).as("old rules stay").contains(HbaMethod.SCRAM_SHA_256);

        Files.delete(file);
        assertThat(holder.reload()).isFalse();
        assertThat(method(holder.current(), client)).contains(HbaMethod.SCRAM_SHA_256);
    }

    @Test
    void startupWithABrokenFileFails() throws Exception {
        Path file = dir.resolve("pool_hba.conf");
        Files.writeString(file, "host all all all nope\n");

        assertThatThrownBy(() -> PoolHbaHolder.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("pool_hba.conf:1:");
    }
}
