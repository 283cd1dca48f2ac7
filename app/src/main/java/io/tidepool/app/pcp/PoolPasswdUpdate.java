package io.tidepool.app.pcp;

import io.tidepool.auth.PoolPasswdFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared by pg_md5 and pg_enc: where pool_passwd is, and the {@code -i} input file. */
final class PoolPasswdUpdate {

    /** pgpool-II's compiled-in configuration file on Debian. */
    static final String DEFAULT_PGPOOL_CONF = "/etc/pgpool2/pgpool.conf";
    /** pgpool-II's limit on a password typed or read. */
    static final int MAX_INPUT = 128;

    /** One {@code user:password} line of an input file. */
    record Pair(String user, String password) {
    }

    private PoolPasswdUpdate() {
    }

    /** Replaces or adds the user's entry in the pool_passwd file of the given pgpool.conf. */
    static Path write(Path pgpoolConf, List<Pair> entries, java.util.function.Function<Pair, String> stored)
            throws IOException {
        if (!Files.isReadable(pgpoolConf)) {
            throw new IOException("cannot read the configuration file \"" + pgpoolConf + "\"; give it with -f");
        }
        Path file = PoolPasswdFile.locate(pgpoolConf).orElseThrow(() -> new IOException(
                "pool_passwd is disabled (empty) in \"" + pgpoolConf + "\""));
        PoolPasswdFile content = PoolPasswdFile.read(file);
        for (Pair entry : entries) {
            content = content.withEntry(entry.user(), stored.apply(entry));
        }
        content.write(file);
        return file;
    }

    /** Reads {@code user:password} lines; empty lines are skipped. */
    static List<Pair> readInputFile(Path input) throws IOException {
        List<Pair> pairs = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(input, StandardCharsets.UTF_8)) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("line " + number + " of \"" + input + "\" is not username:password");
            }
            String password = line.substring(colon + 1);
            if (password.length() > MAX_INPUT) {
                throw new IOException("line " + number + " of \"" + input + "\": the password is longer than "
                        + MAX_INPUT + " characters");
            }
            pairs.add(new Pair(line.substring(0, colon), password));
        }
        return pairs;
    }
}
