package io.tidepool.ops.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchRevokedHostKeyException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.KeyPair;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import io.tidepool.ops.Cancellation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One authenticated SSH session (JSch) to one server: remote commands with streamed output,
 * exit status, time limit and cancellation; SFTP upload and download. Several commands may run
 * at once, each on its own channel. Get one from {@link SshClient}, which reuses it.
 *
 * <p>Host keys are checked against the known_hosts file with {@code StrictHostKeyChecking=yes}:
 * an unknown key ends the attempt with {@link SshException.UnknownHostKey} before anything is sent
 * (see {@link KnownHostsFile#trust}); a changed one with {@link SshException.HostKeyChanged}.
 *
 * <p>Stopping a command (time limit, cancellation) sends it {@code KILL} (an SSH "signal"
 * request, honoured by OpenSSH) and closes its channel.
 */
public final class SshConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SshConnection.class);
    /** Output lines kept for error messages. */
    static final int TAIL_LINES = 30;
    private static final long POLL_MILLIS = 20;
    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ssh-transfer-timer");
        t.setDaemon(true);
        return t;
    });

    private final SshSettings settings;
    private final Session session;

    private SshConnection(SshSettings settings, Session session) {
        this.settings = settings;
        this.session = session;
    }

    /** Connects and authenticates; blocks up to {@link SshSettings#connectTimeout()}. */
    public static SshConnection open(SshSettings settings) {
        SshEndpoint endpoint = settings.endpoint();
        KnownHostsFile knownHosts = new KnownHostsFile(settings.knownHosts());
        HostKeyGuard guard = new HostKeyGuard(knownHosts);
        JSch jsch = new JSch();
        jsch.setInstanceLogger(JschLogging.LOGGER);
        Session session;
        try {
            addIdentities(jsch, settings.credentials());
            session = jsch.getSession(endpoint.user(), endpoint.host(), endpoint.port());
            session.setHostKeyRepository(guard);
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("HashKnownHosts", "no");
            List<String> methods = new java.util.ArrayList<>();
            if (!settings.credentials().identityFiles().isEmpty()) {
                methods.add("publickey");
            }
            settings.credentials().password().ifPresent(password -> {
                methods.add("password");
                session.setPassword(password);
            });
            session.setConfig("PreferredAuthentications", String.join(",", methods));
            session.setServerAliveInterval((int) settings.keepAlive().toMillis());
            session.setServerAliveCountMax(3);
        } catch (JSchException e) {
            throw new SshException("cannot prepare the ssh session to " + endpoint + ": " + e.getMessage(), e);
        }
        try {
            session.connect((int) settings.connectTimeout().toMillis());
        } catch (JSchException e) {
            throw connectFailure(settings, knownHosts, guard, e);
        }
        log.debug("ssh session to {} open ({})", endpoint, session.getServerVersion());
        return new SshConnection(settings, session);
    }

    private static void addIdentities(JSch jsch, SshCredentials credentials) throws JSchException {
        byte[] passphrase = credentials.passphrase().map(p -> p.getBytes(StandardCharsets.UTF_8)).orElse(null);
        for (Path file : credentials.identityFiles()) {
            if (!Files.isReadable(file)) {
                throw new SshException("identity file " + file + " is missing or not readable");
            }
            KeyPair key;
            try {
                key = KeyPair.load(jsch, file.toString());
            } catch (JSchException e) {
                throw new SshException("identity file " + file + " is not a private key JSch can read: " + e.getMessage(), e);
            }
            try {
                if (key.isEncrypted() && (passphrase == null || !key.decrypt(passphrase))) {
                    throw new SshException("identity file " + file + " is encrypted and "
                            + (passphrase == null ? "no passphrase is configured" : "the configured passphrase is wrong"));
                }
            } finally {
                key.dispose();
            }
            jsch.addIdentity(file.toString(), passphrase);
        }
    }

    private static SshException connectFailure(SshSettings settings, KnownHostsFile knownHosts, HostKeyGuard guard,
                                               JSchException e) {
        SshEndpoint endpoint = settings.endpoint();
        if (e instanceof JSchUnknownHostKeyException && guard.presented().isPresent()) {
            return new SshException.UnknownHostKey(guard.presented().get(), knownHosts.path().toString());
        }
        if ((e instanceof JSchChangedHostKeyException || e instanceof JSchRevokedHostKeyException)
                && guard.presented().isPresent()) {
            return new SshException.HostKeyChanged(guard.presented().get(), knownHosts.path().toString());
        }
        String message = String.valueOf(e.getMessage());
        Throwable cause = e.getCause();
        if (message.startsWith("Auth fail") || message.startsWith("Auth cancel")
                || e.getClass().getSimpleName().equals("JSchPartialAuthException")) {
            return new SshException.AuthenticationFailed("ssh login as " + endpoint + " refused: the server accepted "
                    + "none of " + describeCredentials(settings.credentials())
                    + " (is the public key in ~" + endpoint.user() + "/.ssh/authorized_keys?)", e);
        }
        if (cause instanceof SocketTimeoutException || message.contains("timeout")) {
            return new SshException.Timeout("ssh connection to " + endpoint + " timed out after "
                    + settings.connectTimeout().toSeconds() + " s");
        }
        if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
                || cause instanceof UnknownHostException) {
            return new SshException("cannot reach the ssh server " + endpoint.host() + ":" + endpoint.port() + ": "
                    + cause.getMessage(), e);
        }
        return new SshException("ssh connection to " + endpoint + " failed: " + message, e);
    }

    private static String describeCredentials(SshCredentials credentials) {
        List<String> parts = new java.util.ArrayList<>();
        credentials.identityFiles().forEach(f -> parts.add("key " + f));
        credentials.password().ifPresent(p -> parts.add("the password"));
        return String.join(", ", parts);
    }

    public SshSettings settings() {
        return settings;
    }

    public SshEndpoint endpoint() {
        return settings.endpoint();
    }

    public boolean isOpen() {
        return session.isConnected();
    }

    /**
     * Runs a command to its end and returns its exit status (a non-zero status is a result, not
     * an exception). Throws {@link SshException.Timeout}, {@link SshException.Cancelled} (the
     * command was stopped) or {@link SshException.ConnectionLost}.
     */
    public RemoteResult run(RemoteCommand command) {
        String text = settings.wrap(command.command());
        LineCollector lines = new LineCollector(command.listener(), TAIL_LINES);
        OutputStream out = lines.stream(OutputListener.Stream.STDOUT);
        OutputStream err = lines.stream(OutputListener.Stream.STDERR);
        long started = System.nanoTime();
        long deadline = started + command.timeout().toNanos();
        ChannelExec channel;
        try {
            channel = (ChannelExec) session.openChannel("exec");
        } catch (JSchException e) {
            throw lost("opening a channel for: " + command.command(), e);
        }
        channel.setCommand(text);
        channel.setOutputStream(out, true);
        channel.setExtOutputStream(err, true);
        // The command's stdin is written from here once the channel is open, then closed (EOF),
        // rather than handed to JSch as an input stream: JSch feeds such a stream from a thread it
        // starts after the exec request, and a command that finished before that thread started
        // (a quick probe on a loaded machine) closed the channel under it, so connect() failed
        // with a NullPointerException although the command had run.
        OutputStream stdin;
        try {
            stdin = channel.getOutputStream();
        } catch (IOException e) {
            channel.disconnect();
            throw new SshException("ssh to " + endpoint() + " failed opening stdin for: " + command.command(), e);
        }
        Cancellation cancellation = command.cancellation();
        try (Cancellation.Registration ignored = cancellation.onCancel(() -> stop(channel))) {
            channel.connect((int) settings.connectTimeout().toMillis());
            send(stdin, command.stdin());
            while (!channel.isClosed()) {
                if (cancellation.isCancelled()) {
                    stop(channel);
                    throw new SshException.Cancelled("cancelled on " + endpoint() + ": " + command.command()
                            + lastOutput(lines));
                }
                if (System.nanoTime() > deadline) {
                    stop(channel);
                    throw new SshException.Timeout("stopped after " + command.timeout().toSeconds() + " s (its time limit) on "
                            + endpoint() + ": " + command.command() + lastOutput(lines));
                }
                if (!session.isConnected()) {
                    break;
                }
                sleep(POLL_MILLIS);
            }
        } catch (JSchException e) {
            throw lost("starting: " + command.command(), e);
        } finally {
            channel.disconnect();
            closeQuietly(out);
            closeQuietly(err);
        }
        int status = channel.getExitStatus();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        if (status < 0) {
            if (cancellation.isCancelled()) {
                throw new SshException.Cancelled("cancelled on " + endpoint() + ": " + command.command() + lastOutput(lines));
            }
            String signal = channel.getExitSignal();
            if (signal != null && session.isConnected()) {
                return new RemoteResult(endpoint(), text, 128 + signalNumber(signal), lines.tail(), elapsed);
            }
            throw new SshException.ConnectionLost("the ssh connection to " + endpoint() + " was lost while running: "
                    + command.command() + lastOutput(lines));
        }
        return new RemoteResult(endpoint(), text, status, lines.tail(), elapsed);
    }

    /**
     * Writes {@code bytes} to the command's stdin and closes it. A channel the command already
     * closed takes nothing (JSch drops the data); a lost connection is seen by the caller's loop.
     */
    private static void send(OutputStream stdin, byte[] bytes) {
        try (stdin) {
            stdin.write(bytes);
        } catch (IOException e) {
            log.debug("stdin of an ssh command not fully sent: {}", e.getMessage());
        }
    }

    private static String lastOutput(LineCollector lines) {
        List<String> tail = lines.tail();
        return tail.isEmpty() ? " (no output)" : "\nlast output:\n  " + String.join("\n  ", tail);
    }

    private static int signalNumber(String name) {
        return switch (name) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "KILL" -> 9;
            case "PIPE" -> 13;
            case "TERM" -> 15;
            default -> 0;
        };
    }

    private static void stop(ChannelExec channel) {
        try {
            channel.sendSignal("KILL");
        } catch (Exception ignored) {
            // The channel may be closing already; disconnecting below is what counts locally.
        }
        channel.disconnect();
    }

    private SshException lost(String what, JSchException e) {
        if (!session.isConnected()) {
            return new SshException.ConnectionLost("the ssh connection to " + endpoint() + " was lost " + what, e);
        }
        return new SshException("ssh to " + endpoint() + " failed " + what + ": " + e.getMessage(), e);
    }

    // ---------------------------------------------------------------- SFTP

    /** Writes {@code content} to {@code remotePath} (replacing it) with permissions {@code mode} (e.g. {@code 0700}). */
    public void upload(byte[] content, String remotePath, int mode, Duration timeout, Cancellation cancellation) {
        sftp("uploading " + remotePath, timeout, cancellation, sftp -> {
            sftp.put(new ByteArrayInputStream(content), remotePath, ChannelSftp.OVERWRITE);
            sftp.chmod(mode, remotePath);
        });
    }

    /** Copies a local file to {@code remotePath} with permissions {@code mode}. */
    public void upload(Path local, String remotePath, int mode, Duration timeout, Cancellation cancellation) {
        sftp("uploading " + local + " to " + remotePath, timeout, cancellation, sftp -> {
            try (InputStream in = Files.newInputStream(local)) {
                sftp.put(in, remotePath, ChannelSftp.OVERWRITE);
            } catch (IOException e) {
                throw new SshException("cannot read " + local + ": " + e.getMessage(), e);
            }
            sftp.chmod(mode, remotePath);
        });
    }

    /** Copies {@code remotePath} to a local file (replacing it). */
    public void download(String remotePath, Path local, Duration timeout, Cancellation cancellation) {
        sftp("downloading " + remotePath, timeout, cancellation, sftp -> {
            try (OutputStream out = Files.newOutputStream(local)) {
                sftp.get(remotePath, out);
            } catch (IOException e) {
                throw new SshException("cannot write " + local + ": " + e.getMessage(), e);
            }
        });
    }

    private interface SftpWork {
        void run(ChannelSftp sftp) throws SftpException;
    }

    private void sftp(String what, Duration timeout, Cancellation cancellation, SftpWork work) {
        ChannelSftp sftp;
        try {
            sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect((int) settings.connectTimeout().toMillis());
        } catch (JSchException e) {
            throw lost("opening sftp for " + what, e);
        }
        boolean[] timedOut = {false};
        ScheduledFuture<?> timer = TIMERS.schedule(() -> {
            timedOut[0] = true;
            sftp.disconnect();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try (Cancellation.Registration ignored = cancellation.onCancel(sftp::disconnect)) {
            work.run(sftp);
        } catch (SftpException e) {
            if (timedOut[0]) {
                throw new SshException.Timeout(what + " on " + endpoint() + " stopped after " + timeout.toSeconds() + " s");
            }
            if (cancellation.isCancelled()) {
                throw new SshException.Cancelled(what + " on " + endpoint() + " cancelled");
            }
            if (!session.isConnected()) {
                throw new SshException.ConnectionLost("the ssh connection to " + endpoint() + " was lost " + what, e);
            }
            throw new SshException(what + " on " + endpoint() + " failed: " + e.getMessage(), e);
        } finally {
            timer.cancel(false);
            sftp.disconnect();
        }
    }

    @Override
    public void close() {
        session.disconnect();
    }

    private static void closeQuietly(OutputStream stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // Line streams do not fail on close.
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException.Cancelled("interrupted");
        }
    }

    @Override
    public String toString() {
        return "ssh " + endpoint() + (isOpen() ? "" : " (closed)");
    }
}
