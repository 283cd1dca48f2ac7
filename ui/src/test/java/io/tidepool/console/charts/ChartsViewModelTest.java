package io.tidepool.console.charts;

import io.tidepool.console.Nodes;
import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.ReplicationDelay;
import io.tidepool.console.session.ClusterSession;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChartsViewModelTest {

    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
    private final ChartsViewModel vm = new ChartsViewModel(new ClusterSession(Runnable::run), Duration.ofMinutes(1));

    private static ClusterSnapshot at(Instant t, long s0, long s1, long delay1) {
        return new ClusterSnapshot(t, List.of(
                Nodes.withSelects(Nodes.primary(0), s0, ReplicationDelay.NONE),
                Nodes.withSelects(Nodes.standby(1), s1, ReplicationDelay.bytes(delay1))));
    }

    @Test
    void readRateIsSelectCountGrowthPerSecond() {
        vm.update(at(T0, 100, 1000, 0));
        vm.update(at(T0.plusSeconds(2), 110, 1200, 0));

        assertThat(vm.readRates()).extracting(SeriesModel::nodeId).containsExactly(0, 1);
        assertThat(vm.readRates().get(0).samples()).containsExactly(new Sample(T0.plusSeconds(2), 5.0));
        assertThat(vm.readRates().get(1).samples()).containsExactly(new Sample(T0.plusSeconds(2), 100.0));
    }

    @Test
    void counterResetAfterRestartGivesNoSample() {
        vm.update(at(T0, 100, 1000, 0));
        vm.update(at(T0.plusSeconds(1), 0, 3, 0));

        assertThat(vm.readRates()).isEmpty();
    }

    @Test
    void delayIsChartedForStandbysOnlyAndOldSamplesLeaveTheWindow() {
        for (int i = 0; i <= 90; i += 10) {
            vm.update(at(T0.plusSeconds(i), 0, 0, i * 100L));
        }

        assertThat(vm.delays()).extracting(SeriesModel::nodeId).containsExactly(1);
        List<Sample> samples = vm.delays().get(0).samples();
        assertThat(samples.get(0).at()).isEqualTo(T0.plusSeconds(30));
        assertThat(samples.get(samples.size() - 1)).isEqualTo(new Sample(T0.plusSeconds(90), 9000));
        assertThat(vm.delayUnitProperty().get()).isEqualTo("bytes");
    }
}
