package io.tidepool.app.bench;

/** The primary itself: the baseline every other target is compared with. */
record DirectTarget(String host, int port) implements BenchTarget {
    @Override
    public String name() {
        return "direct";
    }

    @Override
    public void close() {
    }
}
