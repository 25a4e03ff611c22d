package dev.vpcepilot.kit;

import dev.vpcepilot.local.moto.MotoServer;
import java.util.Map;

/**
 * The tests' one way to an emulator. One moto_server serves every test class of the test JVM: starting one (and its
 * EC2 backend on the first call) takes 2 to 4 s, which per class would be most of the suites' time. Surefire runs
 * the classes one after another: a class that needs an empty emulator takes it {@link #fresh()} (reset); a class
 * whose tests each work in VPCs of their own takes it {@link #shared()} as it is. The server stops with the JVM
 * (MotoServer's shutdown hook). A class that needs the emulator patched otherwise (slower deletes, slower reads)
 * takes a {@link #startPrivate private} one and closes it itself.
 */
public final class Moto {

    private static MotoServer server;
    private static int resets;

    private Moto() {
    }

    /** The running server, started on first use, with what earlier tests left in it. */
    public static synchronized MotoServer shared() {
        if (server == null || !server.isRunning()) {
            server = MotoServer.start();
            resets++;
        }
        return server;
    }

    /** The running server, started on first use, with nothing in it yet from earlier classes. */
    public static synchronized MotoServer fresh() {
        if (server == null || !server.isRunning()) {
            return shared();
        }
        server.reset();
        resets++;
        return server;
    }

    /**
     * How many times the shared server was started or emptied through this class: what a test built on it once (a
     * workflow that provisioned its tables) is stale when this changed.
     */
    public static synchronized int resets() {
        return resets;
    }

    /** A server of the caller's own, with {@code serverEnvironment} patching it (MotoServer's variables). */
    public static MotoServer startPrivate(Map<String, String> serverEnvironment) {
        return MotoServer.start(System.getenv(), serverEnvironment);
    }
}
