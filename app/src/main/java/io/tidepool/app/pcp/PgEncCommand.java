package io.tidepool.app.pcp;

import io.tidepool.auth.AesPasswordCipher;
import io.tidepool.auth.PoolKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidepool pg_enc}, as pgpool-II's (spec 4.2): encrypts a password with the pool key and
 * prints it, or with {@code -m} writes {@code user:AES<base64>} into pool_passwd.
 */
@Command(name = "pg_enc", description = "AES-encrypted passwords for pool_passwd")
final class PgEncCommand extends PoolPasswdToolCommand {

    @Option(names = {"-k", "--key-file"}, paramLabel = "KEY_FILE",
            description = "file whose first line is the key (default: $PGPOOLKEYFILE, else ~/.pgpoolkey)")
    Path keyFile;

    @Option(names = {"-K", "--enc-key"}, paramLabel = "ENCRYPTION_KEY", description = "the key itself")
    String key;

    @Option(names = {"-P", "--prompt-for-key"}, description = "read the key from the terminal")
    boolean promptForKey;

    @Option(names = {"-m", "--update-pass"}, description = "write an AES entry into pool_passwd")
    boolean updatePass;

    @Option(names = {"-f", "--config-file"}, paramLabel = "CONFIG_FILE",
            description = "pgpool.conf whose pool_passwd to update (default: ${DEFAULT-VALUE})")
    Path configFile = Path.of(PoolPasswdUpdate.DEFAULT_PGPOOL_CONF);

    private AesPasswordCipher cipher;

    PgEncCommand(PcpCommand.Terminal terminal) {
        super(terminal);
    }

    @Override
    String toolName() {
        return "pg_enc";
    }

    @Override
    boolean updatesPoolPasswd() {
        return updatePass;
    }

    @Override
    Path configFile() {
        return configFile;
    }

    @Override
    String passwordPrompt() {
        return "db password: ";
    }

    /** Reads the key first: a missing key is reported before anything else is checked. */
    @Override
    Function<PoolPasswdUpdate.Pair, String> storedEntry(PrintWriter out) throws IOException {
        cipher = new AesPasswordCipher(poolKey(out));
        return p -> cipher.encrypt(p.password());
    }

    @Override
    void printStored(String secret, PrintWriter out) {
        String base64 = cipher.encryptToBase64(secret);
        out.print("\n" + base64 + "\npool_passwd string: " + AesPasswordCipher.PREFIX + base64 + "\n");
    }

    @Override
    boolean reportsInvalidArguments() {
        return true;
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
