package io.tidepool.app;

/** Entry point of the launcher. */
public final class TidepoolCli {
    private TidepoolCli() {
    }

    public static void main(String[] args) {
        System.out.println("tidepool");
    }
}
