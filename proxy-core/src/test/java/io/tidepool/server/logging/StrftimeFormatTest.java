package io.tidepool.server.logging;

import org.junit.jupiter.api.Test;

import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

class StrftimeFormatTest {
    private static final ZonedDateTime MORNING = ZonedDateTime.parse("2026-03-07T08:05:09+01:00[Europe/Paris]");
    private static final ZonedDateTime EVENING = ZonedDateTime.parse("2026-11-21T23:59:58Z[UTC]");

    @Test
    void rendersPgpoolDefaultLogFilename() {
        assertThat(StrftimeFormat.of("pgpool-%Y-%m-%d_%H%M%S.log").format(MORNING))
                .isEqualTo("pgpool-2026-03-07_080509.log");
    }

    @Test
    void rendersWeekdayAndMonthNamesOfTheCLocale() {
        assertThat(StrftimeFormat.of("%a %A %b %B %h").format(MORNING)).isEqualTo("Sat Saturday Mar March Mar");
    }

    @Test
    void rendersNumericFieldsWithCPadding() {
        assertThat(StrftimeFormat.of("%y|%C|%j|%e|%k|%I|%l|%p|%u|%w").format(MORNING))
                .isEqualTo("26|20|066| 7| 8|08| 8|AM|6|6");
        assertThat(StrftimeFormat.of("%I %l %p").format(EVENING)).isEqualTo("11 11 PM");
    }

    @Test
    void rendersCompositeConversions() {
        assertThat(StrftimeFormat.of("%F %T %R %D").format(EVENING)).isEqualTo("2026-11-21 23:59:58 23:59 11/21/26");
    }

    @Test
    void rendersZoneOffsetAbbreviationAndEpoch() {
        assertThat(StrftimeFormat.of("%z %Z").format(MORNING)).isEqualTo("+0100 CET");
        assertThat(StrftimeFormat.of("%s").format(EVENING)).isEqualTo(Long.toString(EVENING.toEpochSecond()));
    }

    @Test
    void keepsLiteralPercentAndUnknownConversions() {
        assertThat(StrftimeFormat.of("100%% %q end%").format(MORNING)).isEqualTo("100% %q end%");
    }

    @Test
    void detectsPatternsWithoutConversions() {
        assertThat(StrftimeFormat.of("pgpool.log").isConstant()).isTrue();
        assertThat(StrftimeFormat.of("pgpool-%a.log").isConstant()).isFalse();
    }
}
