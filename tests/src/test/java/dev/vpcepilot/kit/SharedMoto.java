package dev.vpcepilot.kit;

import dev.vpcepilot.local.moto.MotoServer;

/**
 * One moto_server for every integration and workflow test class of the test JVM: starting one (and its EC2 backend
 * on the first call) takes 2 to 4 s, which per class would be most of the suites' time. Surefire runs the classes
 * one after another, so each class gets an emulator of its own by {@link MotoServer#reset() resetting} it in its
 * {@code @BeforeAll} (and {@code @BeforeEach} where tests need a clean slate; moto recreates each region's default
 * VPC on the first EC2 call after a reset). The server stops with the JVM (MotoServer's shutdown hook).
 */
public final class SharedMoto {

    private static MotoServer server;

    private SharedMoto() {
    }

    /** The running server, started on first use, with nothing in it yet from earlier classes. */
    public static synchronized MotoServer fresh() {
        if (server == null || !server.isRunning()) {
            server = MotoServer.start();
        } else {
            server.reset();
        }
        return server;
    }
}
