package io.tidepool.console.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorsTest {

    @Test
    void describeJoinsMessagesOfTheChainWithoutWrappersOrRepeats() {
        Throwable t = new CompletionException(new ClusterClientException("could not detach node 1: connection refused",
                new IOException("connection refused", new ConnectException("Connection refused"))));

        assertThat(Errors.describe(t)).isEqualTo("could not detach node 1: connection refused: Connection refused");
    }

    @Test
    void messageLessThrowableIsNamedByClass() {
        assertThat(Errors.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
    }
}
