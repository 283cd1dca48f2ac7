package io.tidepool.app.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BenchTableTest {

    private static Map<String, Optional<PgBenchResult>> results(PgBenchResult direct, PgBenchResult bouncer,
                                                                 PgBenchResult tidepool) {
        Map<String, Optional<PgBenchResult>> map = new LinkedHashMap<>();
        map.put("direct", Optional.ofNullable(direct));
        map.put("pgbouncer", Optional.ofNullable(bouncer));
        map.put("tidepool", Optional.ofNullable(tidepool));
        return map;
    }

    @Test
    void showsEachTargetAndTheSubjectsRatios() {
        String table = BenchTable.render(List.of("direct", "pgbouncer", "tidepool"), "tidepool", List.of(
                new BenchTable.Row("simple", 8, results(new PgBenchResult(20000, 0.4),
                        new PgBenchResult(11000, 0.727), new PgBenchResult(12100, 0.661)))));
        assertThat(table).isEqualTo(
                "                                direct              pgbouncer           tidepool            tidepool/   tidepool/\n"
                + "workload     protocol  clients        tps   lat ms        tps   lat ms        tps   lat ms  direct      pgbouncer\n"
                + "select-only  simple          8    20000.0    0.400    11000.0    0.727    12100.0    0.661  0.61        1.10\n");
    }

    @Test
    void aFailedRunShowsFailedAndNoRatio() {
        String table = BenchTable.render(List.of("direct", "pgbouncer", "tidepool"), "tidepool", List.of(
                new BenchTable.Row("prepared", 64, results(new PgBenchResult(20000, 3.2), null,
                        new PgBenchResult(10000, 6.4)))));
        assertThat(table.lines().skip(2).findFirst()).hasValue(
                "select-only  prepared       64    20000.0    3.200     failed        -    10000.0    6.400  0.50        -");
    }

    @Test
    void theReasonOfEachFailureIsListedUnderTheTable() {
        String table = BenchTable.render(List.of("direct", "pgbouncer", "tidepool"), "tidepool", List.of(
                new BenchTable.Row("tpcb-like", "simple", 256, results(new PgBenchResult(900, 280), null,
                        new PgBenchResult(850, 300)), Map.of("pgbouncer", "timeout expired (exit status 2)"))));
        assertThat(table.lines().toList()).endsWith(
                "",
                "pgbouncer, tpcb-like simple 256 clients: failed: timeout expired (exit status 2)");
    }

    @Test
    void aMissingTargetLeavesItsColumnsOut() {
        String table = BenchTable.render(List.of("direct", "tidepool"), "tidepool", List.of());
        assertThat(table.lines().findFirst()).hasValue("                                direct              tidepool            tidepool/");
    }

    @Test
    void aTargetThatCannotRunTheWorkloadShowsNotApplicableAndNoReason() {
        Map<String, Optional<PgBenchResult>> results = new LinkedHashMap<>();
        results.put("direct", Optional.of(new PgBenchResult(1800, 4.4)));
        results.put("tidepool", Optional.of(new PgBenchResult(1700, 4.7)));
        String table = BenchTable.render(List.of("direct", "tidepool-primary", "tidepool"), "tidepool", List.of(
                new BenchTable.Row("tpcb-like", "simple", 8, results, Map.of())));
        assertThat(table.lines().toList()).containsExactly(
                "                                direct              tidepool-primary    tidepool            tidepool/   tidepool/",
                "workload     protocol  clients        tps   lat ms        tps   lat ms        tps   lat ms  direct      tidepool-primary",
                "tpcb-like    simple          8     1800.0    4.400        n/a        -     1700.0    4.700  0.94        -");
    }

    @Test
    void furtherRatiosFollowTheSubjectsAsWideAsTheirHeaders() {
        Map<String, Optional<PgBenchResult>> results = new LinkedHashMap<>();
        results.put("pgbouncer", Optional.of(new PgBenchResult(30000, 0.27)));
        results.put("tidepool-primary", Optional.of(new PgBenchResult(29000, 0.28)));
        results.put("tidepool", Optional.of(new PgBenchResult(24000, 0.33)));
        String table = BenchTable.render(List.of("pgbouncer", "tidepool-primary", "tidepool"), "tidepool", List.of(
                new BenchTable.Row("simple", 8, results)),
                List.of(new BenchTable.Ratio("tidepool-primary", "pgbouncer")));
        assertThat(table.lines().toList()).containsExactly(
                "                                pgbouncer           tidepool-primary    tidepool            tidepool/"
                        + "   tidepool/         tidepool-primary/",
                "workload     protocol  clients        tps   lat ms        tps   lat ms        tps   lat ms  pgbouncer"
                        + "   tidepool-primary  pgbouncer",
                "select-only  simple          8    30000.0    0.270    29000.0    0.280    24000.0    0.330  0.80"
                        + "        0.83              0.97");
    }
}
