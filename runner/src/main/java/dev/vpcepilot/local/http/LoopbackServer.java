package dev.vpcepilot.local.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP server on a free loopback port, each exchange on a virtual thread: where the runner serves what AWS
 * serves to a function (the Lambda Runtime API, container credentials, the Step Functions API). {@link #bind} takes
 * the port, {@link #serve} starts answering with one handler for every path; {@link #close()} stops both.
 */
public final class LoopbackServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private LoopbackServer(HttpServer server) {
        this.server = server;
    }

    /**
     * @param what    what it will serve, for the error when no port can be had
     * @param backlog connections the system queues before refusing more
     */
    public static LoopbackServer bind(String what, int backlog) {
        try {
            return new LoopbackServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    backlog));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve " + what + " on loopback", e);
        }
    }

    /** Starts answering every request with {@code handler}. */
    public void serve(HttpHandler handler) {
        server.createContext("/", handler);
        server.setExecutor(executor);
        server.start();
    }

    /** {@code host:port}. */
    public String address() {
        return server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
