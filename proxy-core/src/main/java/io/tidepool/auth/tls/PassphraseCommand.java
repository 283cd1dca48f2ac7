package io.tidepool.auth.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ssl_passphrase_command}: a shell command whose first line of output is the passphrase
 * of an encrypted private key; {@code %p} is replaced by a prompt and {@code %%} by a percent
 * sign, as in PostgreSQL. Runs at start and on reload (never on an event loop), bounded by a
 * timeout.
 */
final class PassphraseCommand {

    static final long TIMEOUT_SECONDS = 30;
    private static final String PROMPT = "Enter PEM pass phrase:";

    private PassphraseCommand() {
    }

    static String run(String command) throws TlsConfigException {
        StringBuilder expanded = new StringBuilder();
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == '%' && i + 1 < command.length()) {
                char next = command.charAt(++i);
                if (next == 'p') {
                    expanded.append("'").append(PROMPT).append("'");
                } else if (next == '%') {
                    expanded.append('%');
                } else {
                    expanded.append('%').append(next);
                }
            } else {
                expanded.append(c);
            }
        }
        java.nio.file.Path output = null;
        Process process = null;
        try {
            output = java.nio.file.Files.createTempFile("tidepool-passphrase", ".out");
            java.nio.file.Files.setPosixFilePermissions(output, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            process = new ProcessBuilder(List.of("/bin/sh", "-c", expanded.toString()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new TlsConfigException("ssl_passphrase_command did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new TlsConfigException("ssl_passphrase_command exited with status " + process.exitValue());
            }
            String text = java.nio.file.Files.readString(output, StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            return newline >= 0 ? text.substring(0, newline) : text;
        } catch (IOException e) {
            throw new TlsConfigException("ssl_passphrase_command failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TlsConfigException("interrupted while running ssl_passphrase_command");
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            if (output != null) {
                try {
                    java.nio.file.Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file in /tmp; nothing more to do
                }
            }
        }
    }
}
