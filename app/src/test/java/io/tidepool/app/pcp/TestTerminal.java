package io.tidepool.app.pcp;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** A terminal whose output is kept for assertions; no password prompt is expected. */
final class TestTerminal {

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final Map<String, String> environment = new HashMap<>();
    String typedPassword;

    PcpCommand.Terminal terminal() {
        return new PcpCommand.Terminal(new PrintWriter(out, true), new PrintWriter(err, true), environment,
                ZoneOffset.UTC, prompt -> {
                    if (typedPassword == null) {
                        throw new AssertionError("unexpected prompt: " + prompt);
                    }
                    return typedPassword;
                });
    }

    /** Runs {@code pcp}, {@code pg_md5} or {@code pg_enc} with the arguments; returns the exit code. */
    int run(String command, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return PcpCommand.commandLine(command, terminal()).execute(args);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }
}
