package dev.vpcepilot.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.level.Integration;
import dev.vpcepilot.local.moto.MotoServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting, using and stopping the emulator: MotoServer itself is under test here, so its starts are its own (one
 * through the kit's {@link Moto#startPrivate}, the failing ones with the environments that make them fail).
 */
@Integration
class MotoServerTest {

    @Test
    void startsOnALoopbackPortAnswersResetsAndStops() throws Exception {
        assumeTrue(MotoServer.findExecutable(System.getenv().getOrDefault("PATH", "")).isPresent(),
                "moto_server is not installed");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Path log;
        HttpRequest probe;
        try (MotoServer moto = Moto.startPrivate(Map.of())) {
            assertEquals("127.0.0.1", moto.endpoint().getHost());
            log = moto.logFile();
            assertTrue(Files.exists(log));
            probe = HttpRequest.newBuilder(moto.endpoint().resolve("/moto-api/")).GET().build();
            assertEquals(200, http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode());
            moto.reset();
            assertTrue(moto.isRunning());
        }
        assertFalse(Files.exists(log), "the log file is removed on close");
        assertThrows(ConnectException.class, () -> sendOrUnwrap(http, probe));
    }

    @Test
    void aMissingExecutableIsExplained() {
        MotoServer.MotoServerException error = assertThrows(MotoServer.MotoServerException.class,
                () -> MotoServer.start(Map.of("PATH", "/nonexistent")));
        assertEquals("moto_server not found: install it with pip install \"moto[server]\"", error.getMessage());
    }

    @Test
    void aBadSettingOfThePatchStopsTheEmulatorWithAMessageSayingWhatIsAllowed() {
        MotoServer.MotoServerException error = assertThrows(MotoServer.MotoServerException.class,
                () -> MotoServer.start(System.getenv(), Map.of(MotoServer.DELETING_SECONDS, "soon")));
        assertTrue(error.getMessage().contains(
                "VPCE_PILOT_MOTO_DELETING_SECONDS must be a number from 0 to 3600, got 'soon'"), error.getMessage());
    }

    @Test
    void aSettingOfThePatchIsRefusedWhenOnlyPlainMotoServerIsThere(@TempDir Path bin) throws Exception {
        Path motoServer = Files.writeString(bin.resolve(MotoServer.EXECUTABLE), "#!/bin/sh\nexit 3\n");
        assertTrue(motoServer.toFile().setExecutable(true));

        MotoServer.MotoServerException error = assertThrows(MotoServer.MotoServerException.class,
                () -> MotoServer.start(Map.of("PATH", bin.toString()), Map.of(MotoServer.DELETING_SECONDS, "2")));

        assertEquals("VPCE_PILOT_MOTO_DELETING_SECONDS need aws_faithful_moto_server.py, and no python3 on the PATH "
                + "imports moto: install it there with pip install \"moto[server]\"", error.getMessage());
    }

    private static void sendOrUnwrap(HttpClient http, HttpRequest request) throws Exception {
        try {
            http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw e instanceof ConnectException ? e : new ConnectException(e.toString());
        }
    }
}
