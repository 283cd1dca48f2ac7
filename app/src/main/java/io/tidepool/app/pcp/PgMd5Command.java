package io.tidepool.app.pcp;

import io.tidepool.auth.Md5Hash;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tidepool pg_md5}, as pgpool-II's (spec 4.3): prints md5hex(password) for pcp.conf, or
 * with {@code -m} writes {@code user:md5<md5hex(password ‖ user)>} into pool_passwd.
 */
@Command(name = "pg_md5", description = "md5 passwords for pcp.conf and pool_passwd")
final class PgMd5Command implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--prompt"}, description = "read the password from the terminal")
    boolean prompt;

    @Option(names = {"-m", "--md5auth"}, description = "write an md5 entry into pool_passwd")
    boolean md5auth;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "user of the entry (default: OS user)")
    String user = System.getProperty("user.name");

    @Option(names = {"-f", "--config-file"}, paramLabel = "CONFIG-FILE",
            description = "pgpool.conf whose pool_passwd to update (default: ${DEFAULT-VALUE})")
    Path configFile = Path.of(PoolPasswdUpdate.DEFAULT_PGPOOL_CONF);

    @Option(names = {"-i", "--input-file"}, paramLabel = "INPUT-FILE", description = "username:password lines")
    Path inputFile;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PASSWORD")
    String password;

    private final PcpCommand.Terminal terminal;

    PgMd5Command(PcpCommand.Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = terminal.out();
        PrintWriter err = terminal.err();
        try {
            if (inputFile != null) {
                if (!md5auth) {
                    err.println("pg_md5: -i needs -m");
                    return 1;
                }
                out.println("trying to read username:password pairs from file " + inputFile);
                List<PoolPasswdUpdate.Pair> pairs = PoolPasswdUpdate.readInputFile(inputFile);
                for (int i = 0; i < pairs.size(); i++) {
                    out.printf("LINE#%02d: USER: <%s>%n", i + 1, pairs.get(i).user());
                }
                PoolPasswdUpdate.write(configFile, pairs, p -> Md5Hash.postgresShadow(p.user(), p.password()));
                return 0;
            }
            String secret = prompt ? terminal.passwords().read("password: ") : password;
            if (secret == null) {
                spec.commandLine().usage(err);
                return 1;
            }
            if (secret.length() > PoolPasswdUpdate.MAX_INPUT) {
                err.println("Error: input exceeds maximum password length!");
                return 1;
            }
            if (md5auth) {
                PoolPasswdUpdate.write(configFile, List.of(new PoolPasswdUpdate.Pair(user, secret)),
                        p -> Md5Hash.postgresShadow(p.user(), p.password()));
            } else {
                out.println(Md5Hash.pcpConfValue(secret));
            }
            return 0;
        } catch (IOException e) {
            err.println("pg_md5: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
