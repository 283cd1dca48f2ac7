package io.tidepool.ops.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ShellTest {

    @Test
    void plainWordsStayBareEverythingElseIsSingleQuoted() {
        assertThat(Shell.quote("/var/lib/postgresql/15/main")).isEqualTo("/var/lib/postgresql/15/main");
        assertThat(Shell.quote("")).isEqualTo("''");
        assertThat(Shell.quote("two words")).isEqualTo("'two words'");
        assertThat(Shell.quote("$(rm -rf /)")).isEqualTo("'$(rm -rf /)'");
        assertThat(Shell.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(Shell.join(List.of("pg_ctl", "-D", "/data dir"))).isEqualTo("pg_ctl -D '/data dir'");
    }
}
