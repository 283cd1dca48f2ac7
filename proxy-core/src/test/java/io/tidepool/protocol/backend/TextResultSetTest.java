package io.tidepool.protocol.backend;

import io.tidepool.testing.Bytes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextResultSetTest {

    @Test
    void encodesTextColumnsRowsAndSelectTag() {
        TextResultSet r = TextResultSet.of(List.of("a"), List.of(List.of("x"), List.of("")));
        byte[] bytes = Bytes.written(r::encode);
        byte[] expected = Bytes.concat(
                Bytes.hex("54 0000001a 0001"), Bytes.cstring("a"),
                Bytes.hex("00000000 0000 00000000 ffff 00000000 0000"),
                Bytes.hex("44 0000000b 0001 00000001 78"),
                Bytes.hex("44 0000000a 0001 00000000"),
                Bytes.hex("43 0000000d"), Bytes.cstring("SELECT 2"));
        assertThat(bytes).isEqualTo(expected);
    }

    @Test
    void aCommandHasNoHeader() {
        byte[] bytes = Bytes.written(TextResultSet.command("SET")::encode);
        assertThat(bytes).isEqualTo(Bytes.concat(Bytes.hex("43 00000008"), Bytes.cstring("SET")));
    }

    @Test
    void rowsMustMatchTheColumns() {
        assertThatThrownBy(() -> TextResultSet.of(List.of("a", "b"), List.of(List.of("x"))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
