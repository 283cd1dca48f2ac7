package io.tidepool.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The file named by {@code pid_file_name}: the process id of the running server, as one
 * decimal number and a newline, exactly what pgpool-II writes, so that scripts doing
 * {@code kill $(cat pgpool.pid)} and systemd's {@code PIDFile=} keep working.
 *
 * <p>A pid file is <em>stale</em> when the process it names is gone, is this very process
 * (a container that restarted with the same pid), or is a program that is not Tidepool (the
 * pid was reused after a crash or reboot). Stale files are replaced without asking.
 */
public final class PidFile {
    private final Path path;

    private PidFile(Path path) {
        this.path = path;
    }

    public static PidFile at(Path path) {
        return new PidFile(path.toAbsolutePath().normalize());
    }

    public Path path() {
        return path;
    }

    /** The pid the file holds; empty when there is no file or no number in it. */
    public OptionalLong readPid() {
        try {
            String text = Files.readString(path, StandardCharsets.US_ASCII).trim();
            int end = 0;
            while (end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
            }
            return end == 0 ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text.substring(0, end)));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The live Tidepool process the file names; empty when there is no file or it is stale. */
    public Optional<ProcessHandle> runningProcess() {
        OptionalLong pid = readPid();
        if (pid.isEmpty() || pid.getAsLong() == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid.getAsLong())
                .filter(ProcessHandle::isAlive)
                .filter(PidFile::mayBeTidepool);
    }

    /** When the command line cannot be read (another user's process), assume it is ours: refusing is the safe side. */
    private static boolean mayBeTidepool(ProcessHandle process) {
        return process.info().commandLine()
                .map(line -> line.toLowerCase(Locale.ROOT).contains("tidepool"))
                .orElse(true);
    }

    /**
     * Writes this process's pid. Replaces a stale file; refuses when a live Tidepool holds it.
     *
     * @throws PidFileException naming the file and the reason, ready to be shown to an operator
     */
    public void acquire() throws PidFileException {
        long self = ProcessHandle.current().pid();
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
                Files.writeString(path, self + "\n", StandardCharsets.US_ASCII);
                return;
            } catch (FileAlreadyExistsException e) {
                Optional<ProcessHandle> running = runningProcess();
                if (running.isPresent()) {
                    throw new PidFileException("another Tidepool is running with pid " + running.get().pid()
                            + " (pid file " + path + "); stop it with 'tidepool stop', or remove the file if that"
                            + " process is not Tidepool");
                }
                try {
                    Files.deleteIfExists(path); // stale: the process is gone or is not Tidepool
                } catch (IOException deleteFailed) {
                    throw new PidFileException("cannot remove stale pid file " + path + ": " + reason(deleteFailed));
                }
            } catch (IOException e) {
                throw new PidFileException("cannot write pid file " + path + ": " + reason(e)
                        + "; create the directory for the user running Tidepool or set pid_file_name in pgpool.conf");
            }
        }
        throw new PidFileException("cannot write pid file " + path + ": it keeps reappearing (is another Tidepool starting?)");
    }

    /** Removes the file if it still holds this process's pid (a successor may have replaced it). */
    public void release() {
        OptionalLong pid = readPid();
        if (pid.isPresent() && pid.getAsLong() == ProcessHandle.current().pid()) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // The next start detects the file as stale.
            }
        }
    }

    private String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "directory " + path.getParent() + " does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The pid file cannot be taken; the message says why and what to do. */
    public static final class PidFileException extends Exception {
        public PidFileException(String message) {
            super(message);
        }
    }
}
