package io.tidepool.admin.pcp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Where the PCP server finds the stored md5 of a user's password. */
@FunctionalInterface
public interface PcpUserLookup {

    Optional<String> storedPassword(String user) throws IOException;

    /**
     * Reads pcp.conf at every authentication, as pgpool-II does: an edited file takes effect
     * for the next connection without a reload. The file is a few lines long.
     */
    static PcpUserLookup file(Path pcpConf) {
        return user -> PcpUserFile.read(pcpConf).storedPassword(user);
    }

    static PcpUserLookup of(PcpUserFile users) {
        return users::storedPassword;
    }
}
