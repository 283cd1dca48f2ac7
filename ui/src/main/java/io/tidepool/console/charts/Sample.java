package io.tidepool.console.charts;

import java.time.Instant;

/** One point of a chart series. */
public record Sample(Instant at, double value) {
}
