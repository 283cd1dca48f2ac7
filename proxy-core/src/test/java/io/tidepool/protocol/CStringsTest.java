package io.tidepool.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CStringsTest {

    private static ByteBuf bytes(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void namesAreReadInPlaceOneAfterTheOther() {
        // a Bind's start: portal "p1", statement "" (unnamed), then the rest of the message
        ByteBuf in = bytes("xxp1\0\0rest");
        int portalEnd = CStrings.end(in, 2, in.writerIndex());
        int statementEnd = CStrings.end(in, portalEnd + 1, in.writerIndex());
        assertThat(CStrings.get(in, 2, portalEnd)).isEqualTo("p1");
        assertThat(statementEnd).isEqualTo(portalEnd + 1);
        assertThat(CStrings.get(in, portalEnd + 1, statementEnd)).isEmpty();
        assertThat(in.readerIndex()).as("nothing was consumed").isZero();
    }

    @Test
    void utf8NamesAreDecoded() {
        ByteBuf in = bytes("sté\0");
        assertThat(CStrings.get(in, 0, CStrings.end(in, 0, in.writerIndex()))).isEqualTo("sté");
    }

    @Test
    void aStringWhoseTerminatorLiesBeyondTheLimitIsAProtocolViolation() {
        ByteBuf in = bytes("abc\0");
        assertThatThrownBy(() -> CStrings.end(in, 0, 3)).isInstanceOf(PgException.class)
                .satisfies(e -> assertThat(((PgException) e).sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION));
        assertThatThrownBy(() -> CStrings.end(in, 4, 4)).as("nothing left").isInstanceOf(PgException.class);
    }

    @Test
    void readMovesPastTheTerminator() {
        ByteBuf in = bytes("one\0two\0");
        assertThat(CStrings.read(in)).isEqualTo("one");
        assertThat(CStrings.read(in)).isEqualTo("two");
        assertThat(in.isReadable()).isFalse();
    }
}
