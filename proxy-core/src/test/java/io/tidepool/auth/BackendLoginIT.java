package io.tidepool.auth;

import io.tidepool.auth.hba.HbaMethod;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.AuthMethod;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.ops.local.PasswordStorage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BackendAuthenticator} logs in to real PostgreSQL 15 servers (a primary and a standby)
 * whose pg_hba.conf says trust, md5 or scram-sha-256, with credentials in every pool_passwd
 * format; and PostgreSQL's own stored secrets check clients in {@link FrontendAuthenticator}.
 */
class BackendLoginIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.fresh(1);

    static final PoolKey KEY = PoolKey.of("backend-it");

    @BeforeAll
    static void roles() {
        LocalCluster cluster = pg.cluster();
        cluster.createUser("app_scram", "pw scram", PasswordStorage.SCRAM_SHA_256);
        cluster.createUser("app_md5", "pw md5", PasswordStorage.MD5);
        cluster.awaitCaughtUp();
    }

    enum Format { NONE, MD5, AES, TEXT, SCRAM }

    /** The pool_passwd value of each format for a user and password. */
    static Optional<UserSecret> secret(Format format, String user, String password) {
        String stored = switch (format) {
            case NONE -> null;
            case MD5 -> Md5Hash.postgresShadow(user, password);
            case AES -> new AesPasswordCipher(KEY).encrypt(password);
            case TEXT -> "TEXT" + password;
            case SCRAM -> ScramVerifier.fromPassword(password, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 4096).format();
        };
        if (stored == null) {
            return Optional.empty();
        }
        PoolPasswdStore store = PoolPasswdStore.of(PoolPasswdFile.empty().withEntry(user, stored), Optional.of(KEY));
        return store.backendCredentials(user).orElseThrow().secret();
    }

    /** Outcome of one login: "ok", or SQLSTATE and message. */
    record Result(boolean ok, String sqlState, String message) {
        @Override
        public String toString() {
            return ok ? "ok" : sqlState + " " + message;
        }
    }

    static Result login(LocalNode node, BackendCredentials credentials) throws IOException {
        BackendAuthenticator auth = new BackendAuthenticator(node.toString(), credentials, new SecureRandom());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(node.host(), node.port()), 10_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(startup(auth.backendUser(), "postgres"));
            out.flush();
            while (true) {
                byte type = in.readByte();
                int length = in.readInt();
                byte[] body = in.readNBytes(length - 4);
                switch (type) {
                    case 'R' -> {
                        BackendAuthenticator.Step step = auth.onRequest(body);
                        if (step instanceof BackendAuthenticator.Step.Respond respond) {
                            out.write(respond.frame());
                            out.flush();
                        } else if (step instanceof BackendAuthenticator.Step.Failed failed) {
                            return new Result(false, failed.failure().sqlState(), failed.failure().message());
                        }
                    }
                    case 'E' -> {
                        return error(body);
                    }
                    case 'Z' -> {
                        out.write(new byte[] {'X', 0, 0, 0, 4});
                        return new Result(true, "", "");
                    }
                    default -> {
                        // ParameterStatus, BackendKeyData, NoticeResponse
                    }
                }
            }
        }
    }

    static byte[] startup(String user, String database) {
        byte[] params = ("user\0" + user + "\0database\0" + database + "\0\0").getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + params.length).putInt(8 + params.length).putInt(196608).put(params).array();
    }

    static Result error(byte[] body) {
        String code = "";
        String message = "";
        int at = 0;
        while (at < body.length && body[at] != 0) {
            byte field = body[at++];
            int end = at;
            while (body[end] != 0) {
                end++;
            }
            String value = new String(body, at, end - at, StandardCharsets.UTF_8);
            if (field == 'C') {
                code = value;
            } else if (field == 'M') {
                message = value;
            }
            at = end + 1;
        }
        return new Result(false, code, message);
    }

    /** What the table in BackendAuthenticator's documentation promises. */
    static String expected(AuthMethod backend, Format format) {
        if (backend == AuthMethod.TRUST) {
            return "ok";
        }
        boolean answers = switch (format) {
            case AES, TEXT -> true;
            case MD5 -> backend == AuthMethod.MD5;
            case NONE, SCRAM -> false;
        };
        if (answers) {
            return "ok";
        }
        String what = backend == AuthMethod.MD5 ? "md5" : "SCRAM-SHA-256";
        String has = switch (format) {
            case NONE -> "pool_passwd has no entry";
            case MD5 -> "pool_passwd holds only an md5 hash";
            default -> "pool_passwd holds only a SCRAM verifier";
        };
        return "28P01 asks for " + what + " authentication, but " + has;
    }

    @Test
    void everyBackendMethodWithEveryPoolPasswdFormatOnBothNodes() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int rows = 0;
        for (AuthMethod backend : List.of(AuthMethod.TRUST, AuthMethod.MD5, AuthMethod.SCRAM_SHA_256)) {
            pg.cluster().setHbaMethod(AuthMethod.TRUST, backend);
            // md5 in pg_hba.conf asks for md5 only when the role's password is stored as md5.
            String user = backend == AuthMethod.MD5 ? "app_md5" : "app_scram";
            String password = backend == AuthMethod.MD5 ? "pw md5" : "pw scram";
            for (Format format : Format.values()) {
                for (LocalNode node : pg.cluster().nodes()) {
                    Result result = login(node, new BackendCredentials(user, secret(format, user, password), false));
                    String want = expected(backend, format);
                    boolean matches = want.equals("ok") ? result.ok()
                            : !result.ok() && result.sqlState().equals(want.substring(0, 5))
                            && result.message().contains(want.substring(6));
                    rows++;
                    if (!matches) {
                        mismatches.add(backend + " x " + format + " on " + node.name() + ": expected " + want + ", got " + result);
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(rows).isEqualTo(30);
    }

    @Test
    void wrongPasswordIsRefusedByTheServerWith28P01() throws Exception {
        pg.cluster().setHbaMethod(AuthMethod.TRUST, AuthMethod.SCRAM_SHA_256);

        Result result = login(pg.primary(), new BackendCredentials("app_scram",
                Optional.of(new UserSecret.ClearText("wrong")), false));

        assertThat(result.ok()).isFalse();
        assertThat(result.sqlState()).isEqualTo("28P01");
        assertThat(result.message()).isEqualTo("password authentication failed for user \"app_scram\"");
    }

    @Test
    void uncheckedClientPasswordNeedsABackendThatChecksIt() throws Exception {
        pg.cluster().setHbaMethod(AuthMethod.TRUST, AuthMethod.TRUST);
        Result trusting = login(pg.primary(), BackendCredentials.unverifiedFromClient("app_scram", "anything"));
        assertThat(trusting.toString()).startsWith("28P01 password authentication failed");

        pg.cluster().setHbaMethod(AuthMethod.TRUST, AuthMethod.SCRAM_SHA_256);
        assertThat(login(pg.primary(), BackendCredentials.unverifiedFromClient("app_scram", "pw scram")).ok()).isTrue();
        assertThat(login(pg.primary(), BackendCredentials.unverifiedFromClient("app_scram", "anything")).sqlState())
                .isEqualTo("28P01");
    }

    @Test
    void postgresqlsOwnStoredSecretsCheckClientsInTheProxy() {
        String scram = pg.primary().queryValue("select rolpassword from pg_authid where rolname = 'app_scram'").orElseThrow();
        String md5 = pg.primary().queryValue("select rolpassword from pg_authid where rolname = 'app_md5'").orElseThrow();
        assertThat(md5).isEqualTo(Md5Hash.postgresShadow("app_md5", "pw md5"));
        PoolPasswdStore store = PoolPasswdStore.of(PoolPasswdFile.empty().withEntry("app_scram", scram)
                .withEntry("app_md5", md5), Optional.empty());
        SecureRandom random = new SecureRandom();

        for (String[] c : new String[][] {{"app_scram", "pw scram", "SCRAM_SHA_256"}, {"app_md5", "pw md5", "MD5"},
                {"app_scram", "pw scram", "PASSWORD"}, {"app_md5", "pw md5", "PASSWORD"}}) {
            FrontendAuthenticator auth = new FrontendAuthenticator(FrontendAuthenticator.Settings.of(false, random), store, random);
            AuthStep step = new AuthTestClient(c[0], c[1]).run(auth, auth.start(c[0], HbaMethod.valueOf(c[2]), Optional.empty()));
            assertThat(step).as(String.join(" ", c)).isInstanceOf(AuthStep.Accepted.class);
            FrontendAuthenticator wrong = new FrontendAuthenticator(FrontendAuthenticator.Settings.of(false, random), store, random);
            assertThat(new AuthTestClient(c[0], "nope").run(wrong, wrong.start(c[0], HbaMethod.valueOf(c[2]), Optional.empty())))
                    .isInstanceOf(AuthStep.Refused.class);
        }
    }
}
