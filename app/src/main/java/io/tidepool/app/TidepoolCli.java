package io.tidepool.app;

/** Entry point of the launcher. */
public final class TidepoolCli {
    private TidepoolCli() {
    }

    public static void main(String[] args) {
        io.tidepool.app.pcp.PcpCommand.dispatch(args).ifPresent(System::exit);
        ConsoleCommand.dispatch(args).ifPresent(System::exit);
        ScreenshotsCommand.dispatch(args).ifPresent(System::exit);
        System.out.println("tidepool");
    }
}
