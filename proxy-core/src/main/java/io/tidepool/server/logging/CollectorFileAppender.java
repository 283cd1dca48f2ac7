package io.tidepool.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.UnsynchronizedAppenderBase;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The logging collector: writes log lines to {@code log_directory/strftime(log_filename)} and
 * rotates the way PostgreSQL's collector does.
 *
 * <ul>
 *   <li>Time-based rotation happens at multiples of {@code log_rotation_age} counted from local
 *       midnight (with 1d at midnight, with 1h on the hour), not {@code age} after start-up.</li>
 *   <li>Size-based rotation happens before a line is written to a file that has reached
 *       {@code log_rotation_size}.</li>
 *   <li>Each rotation opens the file named by the pattern at that moment. If that name is the
 *       current file's (a pattern coarser than the rotation), writing simply continues there.</li>
 *   <li>{@code log_truncate_on_rotation} truncates only on time-based rotation to a different
 *       name; never at start-up and never on size-based rotation (so nothing just written is lost).</li>
 *   <li>When a new file cannot be opened, lines keep going to the old one, the failure is
 *       reported on stderr, and the rotation is retried a minute later.</li>
 * </ul>
 *
 * Lines are written and flushed one by one under a lock: the many event-loop threads that log
 * never interleave inside a line, and a crash loses nothing already logged.
 */
public final class CollectorFileAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(1);

    private final CollectorSettings settings;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Layout<ILoggingEvent> layout;

    // Guarded by lock.
    private OutputStream out;
    private Path currentFile;
    private long currentSize;
    private long sizeBase; // size-based rotation counts from here (non-zero after a rotation kept the same file)
    private Instant nextTimeRotation;
    private Instant retryNotBefore = Instant.MIN;
    private boolean rotationRequested;

    private CollectorFileAppender(CollectorSettings settings, Layout<ILoggingEvent> layout, Clock clock) {
        this.settings = settings;
        this.layout = layout;
        this.clock = clock;
    }

    /**
     * Creates {@code log_directory} when missing, opens the first file (appending) and starts the
     * appender. Fails with a message naming the file when it cannot be written.
     */
    public static CollectorFileAppender open(CollectorSettings settings, Layout<ILoggingEvent> layout, Clock clock)
            throws IOException {
        CollectorFileAppender appender = new CollectorFileAppender(settings, layout, clock);
        try {
            Files.createDirectories(settings.directory());
        } catch (FileAlreadyExistsException e) {
            throw new IOException("log_directory " + settings.directory() + " exists and is not a directory", e);
        } catch (IOException e) {
            throw new IOException("cannot create log_directory " + settings.directory() + ": " + describe(e), e);
        }
        ZonedDateTime now = ZonedDateTime.now(clock);
        appender.out = appender.openFile(now, false);
        appender.nextTimeRotation = nextRotation(now, settings.rotationAge());
        appender.setName("logging_collector");
        appender.start();
        return appender;
    }

    /** The file lines currently go to. */
    public Optional<Path> currentFile() {
        lock.lock();
        try {
            return Optional.ofNullable(currentFile);
        } finally {
            lock.unlock();
        }
    }

    /** Swaps the line format (a reload changed {@code log_line_prefix}); the file stays open. */
    public void setLayout(Layout<ILoggingEvent> layout) {
        this.layout = layout;
    }

    public CollectorSettings settings() {
        return settings;
    }

    /** Rotates before the next line is written (pcp_log_rotate, an operator's request). */
    public void requestRotation() {
        lock.lock();
        try {
            rotationRequested = true;
            retryNotBefore = Instant.MIN;
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        byte[] line = layout.doLayout(event).getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            if (out == null) {
                return; // stopped
            }
            rotateIfDue();
            out.write(line);
            out.flush();
            currentSize += line.length;
        } catch (IOException e) {
            addError("cannot write to log file " + currentFile, e);
        } finally {
            lock.unlock();
        }
    }

    private void rotateIfDue() {
        Instant now = clock.instant();
        boolean timeDue = settings.rotationAge().compareTo(Duration.ZERO) > 0 && !now.isBefore(nextTimeRotation);
        boolean sizeDue = settings.rotationSizeBytes() > 0 && currentSize - sizeBase >= settings.rotationSizeBytes();
        if (!(timeDue || sizeDue || rotationRequested) || now.isBefore(retryNotBefore)) {
            return;
        }
        ZonedDateTime zoned = now.atZone(clock.getZone());
        if (timeDue) {
            nextTimeRotation = nextRotation(zoned, settings.rotationAge());
        }
        rotationRequested = false;
        Path target = settings.directory().resolve(settings.filename().format(zoned));
        if (target.equals(currentFile)) {
            // The pattern names the file already open: keep writing to it, and count the
            // next log_rotation_size from here instead of reopening on every line.
            sizeBase = currentSize;
            return;
        }
        try {
            OutputStream next = openFile(zoned, timeDue);
            closeQuietly(out);
            out = next;
        } catch (IOException e) {
            retryNotBefore = now.plus(RETRY_AFTER_FAILURE);
            rotationRequested = true;
            System.err.println("tidepool: log rotation failed, still writing to " + currentFile + ": " + describe(e));
        }
    }

    /** Opens the file the pattern names at {@code now}; updates currentFile and currentSize. */
    private OutputStream openFile(ZonedDateTime now, boolean timeBasedRotation) throws IOException {
        Path file = settings.directory().resolve(settings.filename().format(now));
        boolean truncate = timeBasedRotation && settings.truncateOnRotation()
                && currentFile != null && !file.equals(currentFile);
        boolean created = !Files.exists(file);
        OutputStream stream;
        try {
            stream = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    truncate ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IOException("cannot open log file " + file + ": " + describe(e), e);
        }
        if (created || truncate) {
            try {
                // Set after creation: a mode given to open(2) would be narrowed by the umask.
                Files.setPosixFilePermissions(file, settings.fileMode());
            } catch (UnsupportedOperationException | IOException e) {
                addWarn("cannot set log_file_mode on " + file, e);
            }
        }
        currentFile = file;
        currentSize = truncate ? 0 : Files.size(file);
        sizeBase = 0;
        return stream;
    }

    /**
     * The next multiple of {@code age} after {@code now}, counted in local time from midnight
     * (PostgreSQL aligns rotation to the wall clock the same way). Far future when disabled.
     */
    static Instant nextRotation(ZonedDateTime now, Duration age) {
        if (age.isZero()) {
            return Instant.MAX;
        }
        long offset = now.getOffset().getTotalSeconds();
        long local = now.toEpochSecond() + offset;
        long interval = Math.max(age.toSeconds(), 1);
        long next = (local / interval + 1) * interval;
        return Instant.ofEpochSecond(next - offset);
    }

    @Override
    public void stop() {
        lock.lock();
        try {
            closeQuietly(out);
            out = null;
        } finally {
            lock.unlock();
        }
        super.stop();
    }

    private static void closeQuietly(OutputStream stream) {
        if (stream == null) {
            return;
        }
        try {
            stream.close();
        } catch (IOException ignored) {
            // Closing a file we only appended to: nothing left to save.
        }
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName()
                .replace("NoSuchFileException", "no such file or directory")
                .replace("AccessDeniedException", "permission denied")
                .replace("FileSystemException", "file system error");
        return e.getMessage() == null ? kind : kind + " (" + e.getMessage() + ")";
    }
}
