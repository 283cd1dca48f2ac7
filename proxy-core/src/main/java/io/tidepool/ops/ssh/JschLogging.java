package io.tidepool.ops.ssh;

import com.jcraft.jsch.Logger;
import org.slf4j.LoggerFactory;

/** JSch's log messages, into SLF4J under {@code io.tidepool.ops.ssh.jsch} (debug and info become debug). */
final class JschLogging implements Logger {

    static final JschLogging LOGGER = new JschLogging();
    private static final org.slf4j.Logger log = LoggerFactory.getLogger("io.tidepool.ops.ssh.jsch");

    private JschLogging() {
    }

    @Override
    public boolean isEnabled(int level) {
        return switch (level) {
            case DEBUG, INFO -> log.isDebugEnabled();
            case WARN -> log.isWarnEnabled();
            default -> log.isErrorEnabled();
        };
    }

    @Override
    public void log(int level, String message) {
        switch (level) {
            case DEBUG, INFO -> log.debug(message);
            case WARN -> log.warn(message);
            default -> log.error(message);
        }
    }
}
