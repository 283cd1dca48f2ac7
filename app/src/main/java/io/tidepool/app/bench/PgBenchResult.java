package io.tidepool.app.bench;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Throughput and mean latency of one pgbench run, as pgbench printed them. */
public record PgBenchResult(double tps, double latencyMillis) {
    private static final Pattern TPS = Pattern.compile("^tps = ([0-9]+(?:\\.[0-9]+)?)", Pattern.MULTILINE);
    private static final Pattern LATENCY = Pattern.compile("^latency average = ([0-9]+(?:\\.[0-9]+)?) ms", Pattern.MULTILINE);

    /**
     * Reads pgbench's summary. pgbench 14+ prints one {@code tps} line ("without initial
     * connection time"); older ones print two, the second "excluding connections establishing",
     * which is the comparable number: the last one wins.
     */
    public static Optional<PgBenchResult> parse(String output) {
        Matcher tps = TPS.matcher(output);
        String lastTps = null;
        while (tps.find()) {
            lastTps = tps.group(1);
        }
        Matcher latency = LATENCY.matcher(output);
        if (lastTps == null || !latency.find()) {
            return Optional.empty();
        }
        return Optional.of(new PgBenchResult(Double.parseDouble(lastTps), Double.parseDouble(latency.group(1))));
    }

    /**
     * Several pgbench runs at the same time as one (the parts of a target whose clients were split
     * over several servers): their transactions per second add up, and the mean latency is each
     * part's weighted by the transactions it ran.
     */
    public static PgBenchResult together(List<PgBenchResult> parts) {
        double tps = parts.stream().mapToDouble(PgBenchResult::tps).sum();
        double weighted = parts.stream().mapToDouble(p -> p.tps() * p.latencyMillis()).sum();
        return new PgBenchResult(tps, tps > 0 ? weighted / tps : Double.NaN);
    }

    /** The mean of several runs of the same row and target. */
    public static PgBenchResult mean(List<PgBenchResult> runs) {
        double tps = runs.stream().mapToDouble(PgBenchResult::tps).average().orElse(Double.NaN);
        double latency = runs.stream().mapToDouble(PgBenchResult::latencyMillis).average().orElse(Double.NaN);
        return new PgBenchResult(tps, latency);
    }
}
