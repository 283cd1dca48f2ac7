package io.tidepool.ops.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LineCollectorTest {

    @Test
    void linesEndAtNewlineCarriageReturnOrBothAndKeepTheirStream() throws Exception {
        List<String> seen = new ArrayList<>();
        LineCollector collector = new LineCollector((stream, line) -> seen.add(stream + ":" + line), 3);
        OutputStream out = collector.stream(OutputListener.Stream.STDOUT);
        OutputStream err = collector.stream(OutputListener.Stream.STDERR);

        byte[] bytes = "one\r\ntwo\n10%\r20%\r\rhalf".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            out.write(b); // split at every byte
        }
        err.write("oops\n".getBytes(StandardCharsets.UTF_8));
        out.close();

        assertThat(seen).containsExactly("STDOUT:one", "STDOUT:two", "STDOUT:10%", "STDOUT:20%", "STDERR:oops", "STDOUT:half");
        assertThat(collector.tail()).containsExactly("STDOUT:20%".substring(7), "stderr: oops", "half");
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheCollection() throws Exception {
        LineCollector collector = new LineCollector((stream, line) -> {
            throw new IllegalStateException("bad listener");
        }, 10);
        OutputStream out = collector.stream(OutputListener.Stream.STDOUT);

        out.write("a\nb\n".getBytes(StandardCharsets.UTF_8));

        assertThat(collector.tail()).containsExactly("a", "b");
    }
}
