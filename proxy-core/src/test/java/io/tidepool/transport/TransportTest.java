package io.tidepool.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

class TransportTest {

    @Test
    void autoIsEpollThenNio() {
        Transport expected = Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
        assertThat(Transport.named("auto")).isEqualTo(expected);
        assertThat(Transport.named("")).isEqualTo(expected);
        assertThat(Transport.best()).isEqualTo(expected);
    }

    @Test
    void namedTransportsAreUsedWhenAvailable() {
        assertThat(Transport.named("nio")).isEqualTo(Transport.NIO);
        assertThat(Transport.named("EPOLL")).isEqualTo(Epoll.isAvailable() ? Transport.EPOLL : Transport.best());
        assertThat(Transport.named("io_uring")).isEqualTo(IoUring.isAvailable() ? Transport.IO_URING : Transport.best());
    }

    @Test
    void theSettingNameRoundTrips() {
        for (Transport t : Transport.values()) {
            assertThat(Transport.named(t.settingName())).isIn(t, Transport.best());
        }
        assertThat(Transport.IO_URING.settingName()).isEqualTo("io_uring");
    }

    @Test
    void anUnknownNameIsRefusedWithTheAllowedValues() {
        assertThatThrownBy(() -> Transport.named("kqueue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, io_uring, epoll or nio")
                .hasMessageContaining("kqueue");
    }

    @Test
    void multishotReceiveAndPollAreOffForIoUringUnlessSetExplicitly() {
        Transport.named("auto"); // initialises Transport, as every server does before IoUring
        assertThat(System.getProperty("io.netty.iouring.recvMultiShotEnabled")).isEqualTo("false");
        assertThat(System.getProperty("io.netty.iouring.pollAddMultishotEnabled")).isEqualTo("false");
        if (IoUring.isAvailable()) {
            assertThat(IoUring.isRecvMultishotEnabled()).isFalse();
            assertThat(IoUring.isPollAddMultishotEnabled()).isFalse();
        }
    }
}
