package io.tidepool.app.pcp;

import io.tidepool.auth.AesPasswordCipher;
import io.tidepool.auth.PoolKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tidepool pg_enc}, as pgpool-II's (spec 4.2): encrypts a password with the pool key and
 * prints it, or with {@code -m} writes {@code user:AES<base64>} into pool_passwd.
 */
@Command(name = "pg_enc", description = "AES-encrypted passwords for pool_passwd")
final class PgEncCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-k", "--key-file"}, paramLabel = "KEY_FILE",
            description = "file whose first line is the key (default: $PGPOOLKEYFILE, else ~/.pgpoolkey)")
    Path keyFile;

    @Option(names = {"-K", "--enc-key"}, paramLabel = "ENCRYPTION_KEY", description = "the key itself")
    String key;

    @Option(names = {"-P", "--prompt-for-key"}, description = "read the key from the terminal")
    boolean promptForKey;

    @Option(names = {"-p", "--prompt"}, description = "read the password from the terminal")
    boolean prompt;

    @Option(names = {"-m", "--update-pass"}, description = "write an AES entry into pool_passwd")
    boolean updatePass;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "user of the entry (default: OS user)")
    String user = System.getProperty("user.name");

    @Option(names = {"-f", "--config-file"}, paramLabel = "CONFIG_FILE",
            description = "pgpool.conf whose pool_passwd to update (default: ${DEFAULT-VALUE})")
    Path configFile = Path.of(PoolPasswdUpdate.DEFAULT_PGPOOL_CONF);

    @Option(names = {"-i", "--input-file"}, paramLabel = "INPUT-FILE", description = "username:password lines")
    Path inputFile;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PASSWORD")
    String password;

    private final PcpCommand.Terminal terminal;

    PgEncCommand(PcpCommand.Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = terminal.out();
        PrintWriter err = terminal.err();
        try {
            PoolKey poolKey = poolKey(out);
            AesPasswordCipher cipher = new AesPasswordCipher(poolKey);
            if (inputFile != null) {
                if (!updatePass) {
                    err.println("pg_enc: -i needs -m");
                    return 1;
                }
                out.println("trying to read username:password pairs from file " + inputFile);
                PoolPasswdUpdate.write(configFile, PoolPasswdUpdate.readInputFile(inputFile),
                        p -> cipher.encrypt(p.password()));
                return 0;
            }
            String secret = prompt ? terminal.passwords().read("db password: ") : password;
            if (secret == null) {
                spec.commandLine().usage(err);
                return 1;
            }
            if (secret.length() > PoolPasswdUpdate.MAX_INPUT) {
                err.println("Error: input exceeds maximum password length!");
                return 1;
            }
            if (updatePass) {
                PoolPasswdUpdate.write(configFile, List.of(new PoolPasswdUpdate.Pair(user, secret)),
                        p -> cipher.encrypt(p.password()));
            } else {
                String base64 = cipher.encryptToBase64(secret);
                out.print("\n" + base64 + "\npool_passwd string: " + AesPasswordCipher.PREFIX + base64 + "\n");
            }
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("pg_enc: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** {@code -K}, else {@code -P}, else {@code -k}, else {@code PGPOOLKEYFILE} or {@code ~/.pgpoolkey}. */
    private PoolKey poolKey(PrintWriter out) throws IOException {
        if (key != null) {
            return PoolKey.of(key);
        }
        if (promptForKey) {
            return PoolKey.of(terminal.passwords().read("encryption key: "));
        }
        Path file = keyFile != null ? keyFile : PoolKey.defaultFile(terminal.environment());
        out.println("trying to read key from file " + file);
        if (!Files.isReadable(file)) {
            throw new IOException("encryption key not provided: cannot read key file \"" + file + "\"");
        }
        if (PoolKey.isReadableByOthers(file)) {
            terminal.err().println("WARNING: key file \"" + file + "\" can be read by group or others");
        }
        return PoolKey.readFile(file);
    }
}
