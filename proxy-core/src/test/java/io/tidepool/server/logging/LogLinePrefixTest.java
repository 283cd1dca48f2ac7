package io.tidepool.server.logging;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LogLinePrefixTest {
    private static final Instant TIME = Instant.parse("2026-11-21T07:40:01.123456Z");
    private static final Map<String, String> SESSION = Map.of(
            SessionLogContext.USER, "alice",
            SessionLogContext.DATABASE, "shop",
            SessionLogContext.APPLICATION_NAME, "psql",
            SessionLogContext.REMOTE_HOST, "10.0.0.5",
            SessionLogContext.REMOTE_HOST_PORT, "10.0.0.5(53122)",
            SessionLogContext.SESSION_ID, "7f3a");

    private static String render(String prefix, Map<String, String> mdc, String thread, long line) {
        StringBuilder out = new StringBuilder();
        LogLinePrefix.parse(prefix, ZoneId.of("UTC"), 4242).render(out, TIME, mdc, thread, line);
        return out.toString();
    }

    @Test
    void rendersPgpoolDefaultPrefixForABackgroundThread() {
        assertThat(render("%m: %a pid %p: ", Map.of(), "main", 1))
                .isEqualTo("2026-11-21 07:40:01.123 UTC: main pid 4242: ");
    }

    @Test
    void rendersSessionEscapesFromTheMdc() {
        assertThat(render("%t [%c] %u@%d %a %h %r %P #%l ", SESSION, "tidepool-io-2", 17))
                .isEqualTo("2026-11-21 07:40:01 UTC [7f3a] alice@shop psql 10.0.0.5 10.0.0.5(53122) tidepool-io-2 #17 ");
    }

    @Test
    void rendersEpochWithMilliseconds() {
        assertThat(render("%n", Map.of(), "main", 1)).isEqualTo(TIME.getEpochSecond() + ".123");
    }

    @Test
    void missingSessionFieldsAreEmpty() {
        assertThat(render("<%u|%d|%h|%c>", Map.of(), "main", 1)).isEqualTo("<|||>");
    }

    @Test
    void padsLikePostgresql() {
        assertThat(render("[%8u][%-8d]", SESSION, "main", 1)).isEqualTo("[   alice][shop    ]");
    }

    @Test
    void unknownEscapesPrintNothingAndPercentIsLiteral() {
        assertThat(render("a%Qb 100%% %", Map.of(), "main", 1)).isEqualTo("ab 100% ");
    }
}
