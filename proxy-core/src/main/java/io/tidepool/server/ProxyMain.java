package io.tidepool.server;

/** Entry point of the headless server jar. */
public final class ProxyMain {
    private ProxyMain() {
    }

    public static void main(String[] args) {
        System.out.println("tidepool proxy");
    }
}
