package io.tidepool.harness;

import io.tidepool.ops.local.AuthMethod;
import io.tidepool.ops.local.LocalCluster;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TestClustersIT {

    @Test
    void sharedClusterIsReusedWhileHealthyAndReplacedOnceDamaged() {
        // A shape no other test uses, so damaging it disturbs nobody.
        LocalCluster first = TestClusters.shared(1, AuthMethod.MD5);
        assertThat(TestClusters.shared(1, AuthMethod.MD5)).isSameAs(first);

        first.standby(1).promote();
        LocalCluster replacement = TestClusters.shared(1, AuthMethod.MD5);

        assertThat(replacement).isNotSameAs(first);
        assertThat(first.isDestroyed()).isTrue();
        assertThat(first.baseDirectory()).doesNotExist();
        assertThat(replacement.standby(1).isInRecovery()).isTrue();
        assertThat(replacement.primary().query("select state from pg_stat_replication")).hasSize(1);
    }
}
