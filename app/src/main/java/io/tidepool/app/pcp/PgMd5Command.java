package io.tidepool.app.pcp;

import io.tidepool.auth.Md5Hash;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidepool pg_md5}, as pgpool-II's (spec 4.3): prints md5hex(password) for pcp.conf, or
 * with {@code -m} writes {@code user:md5<md5hex(password ‖ user)>} into pool_passwd.
 */
@Command(name = "pg_md5", description = "md5 passwords for pcp.conf and pool_passwd")
final class PgMd5Command extends PoolPasswdToolCommand {

    @Option(names = {"-m", "--md5auth"}, description = "write an md5 entry into pool_passwd")
    boolean md5auth;

    @Option(names = {"-f", "--config-file"}, paramLabel = "CONFIG-FILE",
            description = "pgpool.conf whose pool_passwd to update (default: ${DEFAULT-VALUE})")
    Path configFile = Path.of(PoolPasswdUpdate.DEFAULT_PGPOOL_CONF);

    PgMd5Command(PcpCommand.Terminal terminal) {
        super(terminal);
    }

    @Override
    String toolName() {
        return "pg_md5";
    }

    @Override
    boolean updatesPoolPasswd() {
        return md5auth;
    }

    @Override
    Path configFile() {
        return configFile;
    }

    @Override
    String passwordPrompt() {
        return "password: ";
    }

    @Override
    Function<PoolPasswdUpdate.Pair, String> storedEntry(PrintWriter out) {
        return p -> Md5Hash.postgresShadow(p.user(), p.password());
    }

    @Override
    void pairsRead(List<PoolPasswdUpdate.Pair> pairs, PrintWriter out) {
        for (int i = 0; i < pairs.size(); i++) {
            out.printf("LINE#%02d: USER: <%s>%n", i + 1, pairs.get(i).user());
        }
    }

    @Override
    void printStored(String secret, PrintWriter out) {
        out.println(Md5Hash.pcpConfValue(secret));
    }
}
