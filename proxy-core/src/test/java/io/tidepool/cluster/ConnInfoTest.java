package io.tidepool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnInfoTest {

    @Test
    void parsesQuotedAndBareValues() {
        Map<String, String> parsed = ConnInfo.parse("user=replicator password='it\\'s \\'x\\'' host=127.0.0.1 "
                + "port = 5433 application_name=node1");
        assertThat(parsed).containsEntry("user", "replicator").containsEntry("host", "127.0.0.1")
                .containsEntry("port", "5433").containsEntry("application_name", "node1");
        assertThat(parsed.get("password")).isEqualTo("it's 'x'");
    }

    @Test
    void formatQuotesEveryValueAndRoundTrips() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("host", "db 1");
        values.put("password", "a'b\\c");
        String text = ConnInfo.format(values);
        assertThat(text).isEqualTo("host='db 1' password='a\\'b\\\\c'");
        assertThat(ConnInfo.parse(text)).isEqualTo(values);
    }
}
