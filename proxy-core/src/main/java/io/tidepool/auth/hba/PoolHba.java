package io.tidepool.auth.hba;

import io.tidepool.config.ConfigException;
import io.tidepool.config.ConfigProblem;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of a pool_hba.conf file, parsed, and the matcher that picks the rule for a client.
 *
 * <h2>Syntax (PostgreSQL's pg_hba.conf, as pgpool-II reads it)</h2>
 * One rule per line; {@code #} starts a comment outside quotes; a backslash at the end of a line
 * continues it on the next. Fields are separated by white space:
 * <pre>
 * local     DATABASE USER              METHOD [OPTIONS]
 * host      DATABASE USER ADDRESS      METHOD [OPTIONS]      (also hostssl, hostnossl)
 * host      DATABASE USER IP MASK      METHOD [OPTIONS]
 * </pre>
 * DATABASE and USER are comma-separated lists of names, {@code all}, {@code sameuser} (database
 * only) and {@code @file} (names read from a file beside this one; nested up to
 * {@value #MAX_INCLUDE_DEPTH} levels). Double quotes make a name literal: {@code "all"} is the
 * user called all; {@code ""} inside quotes is one quote. ADDRESS is CIDR (IPv4 or IPv6), an
 * address followed by a mask, {@code all}, {@code samehost}, {@code samenet}, or a host name
 * ({@code .example.com} matches every name ending so). OPTIONS are {@code name=value};
 * {@code clientcert=verify-ca|verify-full} is the one understood.
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li>Any error anywhere rejects the whole file, each problem reported with file:line:
 *       a half-read rule set could admit someone the administrator meant to keep out.</li>
 *   <li>Methods Tidepool cannot honour ({@code pam}, {@code ldap}, {@code ident}, {@code peer},
 *       {@code gss}, ...) are errors, never ignored.</li>
 *   <li>{@code cert} is only valid on {@code hostssl} lines (there is no certificate otherwise),
 *       as PostgreSQL requires; {@code clientcert} likewise.</li>
 *   <li>The first line that matches decides; no matching line refuses.</li>
 * </ul>
 */
public final class PoolHba {

    static final int MAX_INCLUDE_DEPTH = 10;
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern HOST_NAME = Pattern.compile("\\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?");
    private static final List<String> UNSUPPORTED_METHODS =
            List.of("pam", "ldap", "ident", "peer", "gss", "sspi", "radius", "bsd", "krb5", "crypt");

    private final List<HbaRule> rules;
    private final String source;

    private PoolHba(List<HbaRule> rules, String source) {
        this.rules = List.copyOf(rules);
        this.source = source;
    }

    /** Reads and parses a pool_hba.conf file. */
    public static PoolHba load(Path file) throws ConfigException {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0,
                    "pool_hba.conf not found; create it or set enable_pool_hba = off")));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0, "cannot read: " + e.getMessage())));
        }
        return parse(content, file);
    }

    /** Parses content as if it were {@code file} ({@code @file} names resolve beside it). */
    public static PoolHba parse(String content, Path file) throws ConfigException {
        Parser parser = new Parser(file);
        List<HbaRule> rules = parser.parseRules(content);
        if (!parser.problems.isEmpty()) {
            throw new ConfigException(parser.problems);
        }
        return new PoolHba(rules, file.toString());
    }

    public List<HbaRule> rules() {
        return rules;
    }

    /** The file these rules came from. */
    public String source() {
        return source;
    }

    /** True when a rule names a host, so matching may need DNS (run it off the event loop). */
    public boolean needsHostNameLookups() {
        return rules.stream().anyMatch(r -> r.address().orElse(null) instanceof HbaAddress.HostName);
    }

    /**
     * The first rule that matches the client, or empty: no rule, and the connection is refused.
     * {@code resolver} is only consulted for host-name rules, {@code networks} only for
     * {@code samehost}/{@code samenet}.
     */
    public Optional<HbaRule> match(HbaClient client, HostResolver resolver, HbaAddress.LocalNetworks networks) {
        Lookups lookups = new Lookups(resolver, networks);
        for (HbaRule rule : rules) {
            if (!rule.type().covers(client.isLocal(), client.ssl())) {
                continue;
            }
            if (!client.isLocal() && !addressMatches(rule.address().orElseThrow(), client.address().orElseThrow(), lookups)) {
                continue;
            }
            if (!rule.databases().matchesDatabase(client.database(), client.user())) {
                continue;
            }
            if (!rule.users().matchesUser(client.user())) {
                continue;
            }
            return Optional.of(rule);
        }
        return Optional.empty();
    }

    /** The message a refused client sees when no rule matched (SQLSTATE 28000). */
    public static String noEntryMessage(HbaClient client) {
        return "no pool_hba.conf entry for " + client.describeForMessage();
    }

    /** The message a client sees when a {@code reject} rule matched (SQLSTATE 28000). */
    public static String rejectMessage(HbaClient client) {
        return "pool_hba.conf rejects connection for " + client.describeForMessage();
    }

    private static boolean addressMatches(HbaAddress address, InetAddress client, Lookups lookups) {
        if (address instanceof HbaAddress.Any) {
            return true;
        }
        if (address instanceof HbaAddress.Network network) {
            return network.contains(client);
        }
        if (address instanceof HbaAddress.SameHost) {
            return lookups.networks().stream().anyMatch(net -> net.address().equals(client));
        }
        if (address instanceof HbaAddress.SameNet) {
            return lookups.networks().stream()
                    .anyMatch(net -> HbaAddress.Network.ofPrefix(net.address(), net.prefixLength()).contains(client));
        }
        return lookups.hostNameMatches((HbaAddress.HostName) address, client);
    }

    /** Look-ups done at most once per match. */
    private static final class Lookups {
        private final HostResolver resolver;
        private final HbaAddress.LocalNetworks localNetworks;
        private List<HbaAddress.LocalNetworks.InterfaceNet> networks;
        private Optional<String> reverse;
        private Boolean forwardConfirmed;

        Lookups(HostResolver resolver, HbaAddress.LocalNetworks localNetworks) {
            this.resolver = resolver;
            this.localNetworks = localNetworks;
        }

        List<HbaAddress.LocalNetworks.InterfaceNet> networks() {
            if (networks == null) {
                networks = localNetworks.interfaces();
            }
            return networks;
        }

        boolean hostNameMatches(HbaAddress.HostName host, InetAddress client) {
            if (reverse == null) {
                reverse = resolver.reverse(client);
            }
            if (reverse.isEmpty() || !host.matchesName(reverse.get())) {
                return false;
            }
            if (forwardConfirmed == null) {
                // The PTR record is the client's claim; only a forward look-up that leads back
                // to the same address makes it the host's name.
                forwardConfirmed = resolver.forward(reverse.get()).stream()
                        .map(HbaClient::unmapped).anyMatch(client::equals);
            }
            return forwardConfirmed;
        }
    }

    // ---------------------------------------------------------------- parsing

    private static final class Parser {
        private final Path file;
        private final List<ConfigProblem> problems = new ArrayList<>();

        Parser(Path file) {
            this.file = file;
        }

        List<HbaRule> parseRules(String content) {
            List<HbaRule> rules = new ArrayList<>();
            for (LogicalLine line : logicalLines(content)) {
                List<List<HbaToken>> fields;
                try {
                    fields = fields(line.text());
                } catch (IllegalArgumentException e) {
                    problem(line.number(), e.getMessage());
                    continue;
                }
                if (fields.isEmpty()) {
                    continue;
                }
                try {
                    rules.add(rule(line.number(), fields));
                } catch (IllegalArgumentException e) {
                    problem(line.number(), e.getMessage());
                }
            }
            return rules;
        }

        private void problem(int line, String message) {
            problems.add(new ConfigProblem(file.toString(), line, message));
        }

        private HbaRule rule(int line, List<List<HbaToken>> fields) {
            int i = 0;
            String typeText = single(fields.get(i++), "connection type");
            HbaConnectionType type = HbaConnectionType.ofKeyword(typeText).orElseThrow(() ->
                    new IllegalArgumentException("invalid connection type \"" + typeText
                            + "\"; expected local, host, hostssl or hostnossl"));
            require(fields, i, "database");
            HbaNames databases = HbaNames.of(expand(fields.get(i++), line, 0));
            require(fields, i, "user");
            HbaNames users = HbaNames.of(expand(fields.get(i++), line, 0));
            if (users.sameUser()) {
                throw new IllegalArgumentException("\"sameuser\" is only valid in the database field");
            }
            Optional<HbaAddress> address = Optional.empty();
            if (type != HbaConnectionType.LOCAL) {
                require(fields, i, "address");
                String addressText = single(fields.get(i++), "address");
                boolean takesMask = !addressText.contains("/") && isIpLiteral(addressText);
                String maskText = null;
                if (takesMask) {
                    require(fields, i, "netmask (after an address without /prefix)");
                    maskText = single(fields.get(i++), "netmask");
                }
                address = Optional.of(address(addressText, maskText));
            }
            require(fields, i, "authentication method");
            String methodText = single(fields.get(i++), "authentication method");
            HbaMethod method = HbaMethod.ofKeyword(methodText).orElseThrow(() -> unknownMethod(methodText));
            Map<String, String> options = new HashMap<>();
            for (; i < fields.size(); i++) {
                String option = single(fields.get(i), "option");
                int eq = option.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("authentication option \"" + option
                            + "\" is not in name=value form");
                }
                options.put(option.substring(0, eq).toLowerCase(Locale.ROOT), option.substring(eq + 1));
            }
            HbaRule.ClientCertCheck clientCert = clientCert(type, method, options);
            if (method == HbaMethod.CERT && type != HbaConnectionType.HOSTSSL) {
                throw new IllegalArgumentException("cert authentication is only supported on hostssl lines");
            }
            return new HbaRule(file.toString(), line, type, databases, users, address, method, clientCert, options);
        }

        private static HbaRule.ClientCertCheck clientCert(HbaConnectionType type, HbaMethod method,
                                                          Map<String, String> options) {
            HbaRule.ClientCertCheck check = method == HbaMethod.CERT
                    ? HbaRule.ClientCertCheck.VERIFY_FULL : HbaRule.ClientCertCheck.NONE;
            for (Map.Entry<String, String> option : options.entrySet()) {
                if (!option.getKey().equals("clientcert")) {
                    throw new IllegalArgumentException("unknown authentication option \"" + option.getKey()
                            + "\"; Tidepool understands clientcert=verify-ca|verify-full");
                }
                String value = option.getValue().toLowerCase(Locale.ROOT);
                check = switch (value) {
                    case "verify-full" -> HbaRule.ClientCertCheck.VERIFY_FULL;
                    case "verify-ca", "1" -> HbaRule.ClientCertCheck.VERIFY_CA;
                    case "no-verify", "0" -> HbaRule.ClientCertCheck.NONE;
                    default -> throw new IllegalArgumentException("invalid value for clientcert: \""
                            + option.getValue() + "\"; expected verify-ca or verify-full");
                };
                if (type != HbaConnectionType.HOSTSSL) {
                    throw new IllegalArgumentException("clientcert can only be configured for hostssl lines");
                }
                if (method == HbaMethod.CERT && check != HbaRule.ClientCertCheck.VERIFY_FULL) {
                    throw new IllegalArgumentException("clientcert only accepts verify-full when using cert authentication");
                }
            }
            return check;
        }

        private static IllegalArgumentException unknownMethod(String text) {
            if (UNSUPPORTED_METHODS.contains(text.toLowerCase(Locale.ROOT))) {
                return new IllegalArgumentException("authentication method \"" + text
                        + "\" is not supported by Tidepool; use trust, reject, password, md5, scram-sha-256 or cert");
            }
            return new IllegalArgumentException("invalid authentication method \"" + text
                    + "\"; expected trust, reject, password, md5, scram-sha-256 or cert");
        }

        private static void require(List<List<HbaToken>> fields, int index, String what) {
            if (index >= fields.size()) {
                throw new IllegalArgumentException("end of line before the " + what + " field");
            }
        }

        private static String single(List<HbaToken> field, String what) {
            if (field.size() != 1) {
                throw new IllegalArgumentException("multiple values in the " + what + " field: " + field);
            }
            return field.get(0).text();
        }

        private static HbaAddress address(String text, String maskText) {
            String lower = text.toLowerCase(Locale.ROOT);
            if (maskText == null) {
                switch (lower) {
                    case "all":
                        return new HbaAddress.Any();
                    case "samehost":
                        return new HbaAddress.SameHost();
                    case "samenet":
                        return new HbaAddress.SameNet();
                    default:
                        break;
                }
            }
            int slash = text.indexOf('/');
            if (slash >= 0) {
                InetAddress address = ipLiteral(text.substring(0, slash), text);
                String prefixText = text.substring(slash + 1);
                int bits = address.getAddress().length * 8;
                int prefix;
                try {
                    prefix = Integer.parseInt(prefixText);
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits || !prefixText.matches("\\d+")) {
                    throw new IllegalArgumentException("invalid CIDR mask in address \"" + text
                            + "\"; the prefix must be 0.." + bits);
                }
                return HbaAddress.Network.ofPrefix(address, prefix);
            }
            if (maskText != null) {
                InetAddress address = ipLiteral(text, text);
                InetAddress mask = ipLiteral(maskText, maskText);
                if (address.getAddress().length != mask.getAddress().length) {
                    throw new IllegalArgumentException("IP address \"" + text + "\" and mask \"" + maskText
                            + "\" do not match in address family");
                }
                return new HbaAddress.Network(address.getAddress(), mask.getAddress());
            }
            if (!HOST_NAME.matcher(text).matches() || text.length() > 253) {
                throw new IllegalArgumentException("invalid IP address or host name \"" + text + "\"");
            }
            return new HbaAddress.HostName(text);
        }

        private static boolean isIpLiteral(String text) {
            return IPV4.matcher(text).matches() || (text.contains(":") && !text.contains("%"));
        }

        /** Parses a numeric address without ever consulting DNS. */
        private static InetAddress ipLiteral(String text, String whole) {
            try {
                if (IPV4.matcher(text).matches()) {
                    return InetAddress.getByName(text);
                }
                if (text.contains(":") && !text.contains("%") && text.matches("[0-9A-Fa-f:.]+")) {
                    // A string with a colon is parsed as an IPv6 literal, never looked up.
                    return HbaClient.unmapped(InetAddress.getByName(text));
                }
            } catch (java.net.UnknownHostException e) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("invalid IP address \"" + text + "\" in \"" + whole + "\"");
        }

        /** Replaces {@code @file} items by the names in that file. */
        private List<HbaToken> expand(List<HbaToken> field, int line, int depth) {
            List<HbaToken> out = new ArrayList<>();
            for (HbaToken token : field) {
                if (!token.quoted() && token.text().startsWith("@") && token.text().length() > 1) {
                    out.addAll(include(token.text().substring(1), line, depth));
                } else if (!token.quoted() && token.text().startsWith("+")) {
                    throw new IllegalArgumentException("group membership (\"" + token.text()
                            + "\") is not supported by Tidepool; list the users or use an @file");
                } else if (token.isKeyword("samerole") || token.isKeyword("samegroup")) {
                    throw new IllegalArgumentException("\"" + token.text() + "\" is not supported by Tidepool");
                } else {
                    out.add(token);
                }
            }
            return out;
        }

        private List<HbaToken> include(String name, int line, int depth) {
            if (depth >= MAX_INCLUDE_DEPTH) {
                throw new IllegalArgumentException("@" + name + ": @file lists nested deeper than " + MAX_INCLUDE_DEPTH);
            }
            Path path = file.toAbsolutePath().getParent().resolve(name);
            String content;
            try {
                content = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read @" + name + " (" + path + "): "
                        + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()));
            }
            List<HbaToken> names = new ArrayList<>();
            for (LogicalLine included : logicalLines(content)) {
                for (List<HbaToken> f : fields(included.text())) {
                    names.addAll(f);
                }
            }
            return expand(names, line, depth + 1);
        }

        record LogicalLine(int number, String text) {
        }

        /** Physical lines joined where a line ends with a backslash. */
        private static List<LogicalLine> logicalLines(String content) {
            List<LogicalLine> out = new ArrayList<>();
            String[] physical = content.split("\r?\n", -1);
            StringBuilder pending = null;
            int start = 0;
            for (int n = 0; n < physical.length; n++) {
                String text = physical[n];
                if (pending == null) {
                    pending = new StringBuilder();
                    start = n + 1;
                }
                if (text.endsWith("\\") && !inComment(text)) {
                    pending.append(text, 0, text.length() - 1).append(' ');
                    continue;
                }
                pending.append(text);
                out.add(new LogicalLine(start, pending.toString()));
                pending = null;
            }
            if (pending != null) {
                out.add(new LogicalLine(start, pending.toString()));
            }
            return out;
        }

        private static boolean inComment(String text) {
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == '#' && !quoted) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Splits a line into fields; each field is a comma-separated list of items. White space
         * after a comma continues the list, as in PostgreSQL ({@code a, b} is one field).
         */
        static List<List<HbaToken>> fields(String line) {
            List<List<HbaToken>> fields = new ArrayList<>();
            int i = 0;
            int n = line.length();
            List<HbaToken> current = null;
            boolean continueList = false;
            while (i < n) {
                char c = line.charAt(i);
                if (c == '#') {
                    break;
                }
                if (Character.isWhitespace(c)) {
                    i++;
                    continue;
                }
                StringBuilder text = new StringBuilder();
                boolean quoted = false;
                boolean inQuote = false;
                boolean endsWithComma = false;
                while (i < n) {
                    c = line.charAt(i);
                    if (inQuote) {
                        if (c == '"') {
                            if (i + 1 < n && line.charAt(i + 1) == '"') {
                                text.append('"');
                                i += 2;
                                continue;
                            }
                            inQuote = false;
                        } else {
                            text.append(c);
                        }
                        i++;
                        continue;
                    }
                    if (c == '"') {
                        inQuote = true;
                        quoted = true;
                        i++;
                    } else if (c == ',') {
                        endsWithComma = true;
                        i++;
                        break;
                    } else if (Character.isWhitespace(c) || c == '#') {
                        break;
                    } else {
                        text.append(c);
                        i++;
                    }
                }
                if (inQuote) {
                    throw new IllegalArgumentException("unterminated quoted string");
                }
                if (!quoted && text.isEmpty()) {
                    throw new IllegalArgumentException("empty item in a comma-separated list");
                }
                if (continueList) {
                    current.add(new HbaToken(text.toString(), quoted));
                } else {
                    current = new ArrayList<>();
                    current.add(new HbaToken(text.toString(), quoted));
                    fields.add(current);
                }
                continueList = endsWithComma;
            }
            if (continueList) {
                throw new IllegalArgumentException("comma at the end of a list");
            }
            return fields;
        }
    }
}
