package io.tidepool.ops.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Turns the byte streams of a remote command into lines: each complete line goes to the
 * listener and into a bounded tail kept for error messages. {@code \n}, {@code \r\n} and a lone
 * {@code \r} (progress output such as {@code pg_basebackup -P}) end a line; a line longer than
 * {@link #MAX_LINE} bytes is cut there. Written to by the SSH reader thread, read after the
 * command ended; the tail is guarded by this object's lock.
 */
final class LineCollector {

    static final int MAX_LINE = 8192;

    private final OutputListener listener;
    private final int tailSize;
    private final Deque<String> tail = new ArrayDeque<>();

    LineCollector(OutputListener listener, int tailSize) {
        this.listener = listener;
        this.tailSize = tailSize;
    }

    OutputStream stream(OutputListener.Stream which) {
        return new LineStream(which);
    }

    synchronized List<String> tail() {
        return new ArrayList<>(tail);
    }

    private void emit(OutputListener.Stream which, String line) {
        synchronized (this) {
            tail.addLast(which == OutputListener.Stream.STDERR ? "stderr: " + line : line);
            while (tail.size() > tailSize) {
                tail.removeFirst();
            }
        }
        try {
            listener.line(which, line);
        } catch (RuntimeException ignored) {
            // A failing listener must not break the command it listens to.
        }
    }

    private final class LineStream extends OutputStream {
        private final OutputListener.Stream which;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private boolean lastWasCr;

        LineStream(OutputListener.Stream which) {
            this.which = which;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                if (!lastWasCr) {
                    flushLine();
                }
                lastWasCr = false;
                return;
            }
            lastWasCr = b == '\r';
            if (lastWasCr) {
                if (pending.size() > 0) {
                    flushLine();
                }
                return;
            }
            pending.write(b);
            if (pending.size() >= MAX_LINE) {
                flushLine();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        private void flushLine() {
            String line = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            emit(which, line);
        }

        @Override
        public void close() {
            if (pending.size() > 0) {
                flushLine();
            }
        }
    }
}
