package io.tidepool.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.session.PreparedStatements.Portal;
import io.tidepool.session.PreparedStatements.Statement;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PreparedStatementsTest {
    private final PreparedStatements prepared = new PreparedStatements();

    private static Statement statement(String name, ByteBuf parse) {
        return new Statement(name, parse, null, null);
    }

    /** A stand-in for the Parse bytes a statement keeps: only its reference count matters here. */
    private static ByteBuf parseBytes() {
        return Unpooled.buffer().writeByte('P');
    }

    @Test
    void theUnnamedStatementIsReplacedByTheNextAndItsParseReleased() {
        ByteBuf first = parseBytes();
        ByteBuf second = parseBytes();
        prepared.put(statement("", first));
        prepared.put(statement("", second));
        assertThat(first.refCnt()).isZero();
        assertThat(prepared.statement("").parse).isSameAs(second);
        assertThat(prepared.closeStatement("").parse).isSameAs(second);
        assertThat(second.refCnt()).isZero();
        assertThat(prepared.statement("")).isNull();
    }

    @Test
    void namedStatementsLiveBesideTheUnnamedOneAndDiscardAllKeepsOnlyIt() {
        ByteBuf unnamed = parseBytes();
        ByteBuf named = parseBytes();
        prepared.put(statement("", unnamed));
        prepared.put(statement("s1", named));
        assertThat(prepared.all()).extracting(s -> s.name).containsExactly("", "s1");
        prepared.forgetNamed();
        assertThat(named.refCnt()).isZero();
        assertThat(unnamed.refCnt()).isOne();
        assertThat(prepared.statement("s1")).isNull();
        assertThat(prepared.statement("")).isNotNull();
    }

    @Test
    void portalsAreFoundByNameTheUnnamedOneIncluded() {
        Statement s = statement("", null);
        prepared.putPortal(new Portal("", List.of(1), s));
        prepared.putPortal(new Portal("c1", List.of(0, 2), s));
        assertThat(prepared.portal("").nodes()).containsExactly(1);
        assertThat(prepared.portal("c1").nodes()).containsExactly(0, 2);
        assertThat(prepared.closePortal("").nodes()).containsExactly(1);
        assertThat(prepared.portal("")).isNull();
        assertThat(prepared.closePortal("nope")).isNull();
    }

    @Test
    void aLostNodeNoLongerHoldsAnyStatement() {
        Statement unnamed = statement("", null);
        Statement named = statement("s1", null);
        unnamed.nodes.set(1);
        named.nodes.set(1);
        named.nodes.set(2);
        prepared.put(unnamed);
        prepared.put(named);
        prepared.nodeLost(1);
        assertThat(unnamed.nodes.isEmpty()).isTrue();
        assertThat(named.nodes.stream()).containsExactly(2);
    }

    @Test
    void clearReleasesEveryParseAndForgetsPortals() {
        ByteBuf a = parseBytes();
        ByteBuf b = parseBytes();
        prepared.put(statement("", a));
        prepared.put(statement("s", b));
        prepared.putPortal(new Portal("", List.of(0), prepared.statement("")));
        prepared.clear();
        assertThat(a.refCnt()).isZero();
        assertThat(b.refCnt()).isZero();
        assertThat(prepared.all()).isEmpty();
        assertThat(prepared.portal("")).isNull();
    }
}
