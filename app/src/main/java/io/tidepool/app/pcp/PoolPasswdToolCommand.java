package io.tidepool.app.pcp;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What pg_md5 and pg_enc share (spec 4.2, 4.3): the password from the command line or the
 * terminal, its length limit, and with {@code -m} an entry per user written into the
 * pool_passwd file of a pgpool.conf, for one user or for every line of an {@code -i} file. A
 * subclass says how a password is stored and what is printed without {@code -m}.
 */
abstract class PoolPasswdToolCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--prompt"}, description = "read the password from the terminal")
    boolean prompt;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "user of the entry (default: OS user)")
    String user = System.getProperty("user.name");

    @Option(names = {"-i", "--input-file"}, paramLabel = "INPUT-FILE", description = "username:password lines")
    Path inputFile;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PASSWORD")
    String password;

    final PcpCommand.Terminal terminal;

    PoolPasswdToolCommand(PcpCommand.Terminal terminal) {
        this.terminal = terminal;
    }

    /** The tool's name, the prefix of its error messages. */
    abstract String toolName();

    /** Whether {@code -m} was given: write into pool_passwd instead of printing. */
    abstract boolean updatesPoolPasswd();

    /** The pgpool.conf whose pool_passwd {@code -m} updates ({@code -f}). */
    abstract Path configFile();

    /** The terminal prompt for the password ({@code -p}). */
    abstract String passwordPrompt();

    /** Prepares whatever storing needs (may print or fail first) and returns how a pool_passwd entry is stored. */
    abstract Function<PoolPasswdUpdate.Pair, String> storedEntry(PrintWriter out) throws IOException;

    /** Prints the stored form of {@code secret} when {@code -m} was not given. */
    abstract void printStored(String secret, PrintWriter out);

    /** Called with the pairs of an {@code -i} file before they are written. */
    void pairsRead(List<PoolPasswdUpdate.Pair> pairs, PrintWriter out) {
    }

    /**
     * Whether an invalid argument (a bad key, an over-long user name) is reported as this
     * tool's own error; otherwise it reaches the launcher's {@code ERROR:} handler.
     */
    boolean reportsInvalidArguments() {
        return false;
    }

    @Override
    public final Integer call() throws IOException {
        PrintWriter out = terminal.out();
        PrintWriter err = terminal.err();
        try {
            Function<PoolPasswdUpdate.Pair, String> stored = storedEntry(out);
            if (inputFile != null) {
                if (!updatesPoolPasswd()) {
                    err.println(toolName() + ": -i needs -m");
                    return 1;
                }
                out.println("trying to read username:password pairs from file " + inputFile);
                List<PoolPasswdUpdate.Pair> pairs = PoolPasswdUpdate.readInputFile(inputFile);
                pairsRead(pairs, out);
                PoolPasswdUpdate.write(configFile(), pairs, stored);
                return 0;
            }
            String secret = prompt ? terminal.passwords().read(passwordPrompt()) : password;
            if (secret == null) {
                spec.commandLine().usage(err);
                return 1;
            }
            if (secret.length() > PoolPasswdUpdate.MAX_INPUT) {
                err.println("Error: input exceeds maximum password length!");
                return 1;
            }
            if (updatesPoolPasswd()) {
                PoolPasswdUpdate.write(configFile(), List.of(new PoolPasswdUpdate.Pair(user, secret)), stored);
            } else {
                printStored(secret, out);
            }
            return 0;
        } catch (IOException e) {
            err.println(toolName() + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            if (!reportsInvalidArguments()) {
                throw e;
            }
            err.println(toolName() + ": " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
