package dev.vpcepilot.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.moto.MotoServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/** The standalone proxy's command line: parsing, usage errors, and a full run in front of moto_server. */
class FaultProxyMainTest {

    private static final String TARGET = "http://127.0.0.1:5000";
    private static final Pattern ENDPOINT_LINE = Pattern.compile("\\{\"endpoint\":\"(http://127\\.0\\.0\\.1:\\d+)\"}");

    private static MotoServer moto;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopMoto() throws Exception {
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void parsesEveryFlag() throws Exception {
        FaultProxyMain.Options options = FaultProxyMain.parse("--target", TARGET, "--port", "18080",
                "--throttle-every", "3", "--throttle-first=6", "--error-every", "4", "--error-share", "0.5",
                "--drop-every", "7", "--latency-ms", "20", "--endpoint-not-found-first", "2", "--only", "ec2:",
                "--ignore-stdin");
        assertEquals(URI.create(TARGET), options.target());
        assertEquals(18080, options.port());
        assertTrue(options.ignoreStdin());
        assertEquals(List.of(FaultKind.LATENCY, FaultKind.DROP, FaultKind.ERROR, FaultKind.ERROR, FaultKind.THROTTLE,
                FaultKind.THROTTLE, FaultKind.NOT_FOUND), options.rules().stream().map(FaultRule::kind).toList());
        assertTrue(options.rules().stream().allMatch(r -> r.scope().equals(Optional.of("ec2:"))));
        assertEquals(List.of("delay 20 ms on every call of ec2:", "drop the connection on every 7th call of ec2:",
                "HTTP 500 on every 4th call of ec2:", "HTTP 500 on a share of 0.5 of the calls of ec2:",
                "throttle on the first 6 calls of each action of ec2:", "throttle on every 3rd call of ec2:",
                "InvalidVpcEndpointId.NotFound on the first 2 calls naming each endpoint id CreateVpcEndpoint "
                        + "returned of ec2:"),
                options.rules().stream().map(FaultRule::toString).toList());
    }

    @Test
    void theEndpointRuleAloneOrLimitedToOneAction() throws Exception {
        FaultRule alone = FaultProxyMain.parse("--target", TARGET, "--endpoint-not-found-first=3").rules().get(0);
        assertEquals(FaultKind.NOT_FOUND, alone.kind());
        assertEquals(Optional.empty(), alone.scope());
        assertEquals("InvalidVpcEndpointId.NotFound on the first 3 calls naming each endpoint id CreateVpcEndpoint "
                + "returned", alone.toString());

        List<FaultRule> limited = FaultProxyMain.parse("--target", TARGET, "--endpoint-not-found-first", "1",
                "--only", "ec2:DescribeVpcEndpoints").rules();
        assertEquals(1, limited.size());
        assertEquals(Optional.of("ec2:DescribeVpcEndpoints"), limited.get(0).scope());
    }

    @Test
    void defaultsToAFreePortNoFaultsAndStoppingAtStdinEof() throws Exception {
        FaultProxyMain.Options options = FaultProxyMain.parse("--target", TARGET);
        assertEquals(0, options.port());
        assertEquals(List.of(), options.rules());
        assertFalse(options.ignoreStdin());
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(List.of(), "--target URL is required"),
                Arguments.of(List.of("--target"), "--target needs a value"),
                Arguments.of(List.of("--target", "ftp://127.0.0.1:21"), "--target must be an http://host:port URL"),
                Arguments.of(List.of("--target", "http://[bad"), "--target is not a URL"),
                Arguments.of(List.of("--target", TARGET, "--throttle-every", "0"),
                        "--throttle-every needs a whole number >= 1, got 0"),
                Arguments.of(List.of("--target", TARGET, "--throttle-first", "-2"),
                        "--throttle-first needs a whole number >= 1, got -2"),
                Arguments.of(List.of("--target", TARGET, "--port", "70000"),
                        "--port needs a whole number 0..65535, got 70000"),
                Arguments.of(List.of("--target", TARGET, "--latency-ms", "abc"),
                        "--latency-ms needs a whole number 0..600000, got 'abc'"),
                Arguments.of(List.of("--target", TARGET, "--error-share", "2"),
                        "--error-share needs a fraction 0 < F <= 1, got '2'"),
                Arguments.of(List.of("--target", TARGET, "--bogus", "1"), "unknown option --bogus"),
                Arguments.of(List.of("--target", TARGET, "stray"), "unexpected argument 'stray'"),
                Arguments.of(List.of("--target", TARGET, "--only", "ec2:"), "--only limits fault rules"),
                Arguments.of(List.of("--target", TARGET, "--drop-every", "1", "--drop-every=2"),
                        "--drop-every is given twice"),
                Arguments.of(List.of("--target", TARGET, "--ignore-stdin=yes"), "--ignore-stdin takes no value"),
                Arguments.of(List.of("--target", TARGET, "--endpoint-not-found-first", "0"),
                        "--endpoint-not-found-first needs a whole number >= 1, got 0"),
                Arguments.of(List.of("--target", TARGET, "--endpoint-not-found-first", "twice"),
                        "--endpoint-not-found-first needs a whole number >= 1, got 'twice'"),
                Arguments.of(List.of("--target", TARGET, "--endpoint-not-found-first"),
                        "--endpoint-not-found-first needs a value"),
                Arguments.of(List.of("--target", TARGET, "--endpoint-not-found-first", "1",
                        "--endpoint-not-found-first=2"), "--endpoint-not-found-first is given twice"));
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void rejectsBadCommandLinesWithExitCode2(List<String> args, String message) {
        assertThrows(FaultProxyMain.UsageException.class, () -> FaultProxyMain.parse(args.toArray(String[]::new)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = FaultProxyMain.run(args.toArray(String[]::new), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(FaultProxyMain.EXIT_USAGE, exit);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing on stdout for a usage error");
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertTrue(stderr.startsWith("fault-proxy: " + message), stderr);
        assertTrue(stderr.contains("usage: FaultProxyMain --target URL"), stderr);
    }

    @Test
    void helpGoesToStdout() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = FaultProxyMain.run(new String[] {"--help"}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(FaultProxyMain.EXIT_OK, exit);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--throttle-every N"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--endpoint-not-found-first N"));
    }

    @Test
    void aTakenPortIsAStartFailureNotAUsageError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = FaultProxyMain.run(new String[] {"--target", TARGET, "--port", "" + taken.getLocalPort()},
                    new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(FaultProxyMain.EXIT_FAILURE, exit);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot listen on 127.0.0.1:"));
        }
    }

    @Test
    void printsTheEndpointLineServesFaultsAndCountsAndStopsAtStdinEof() throws Exception {
        PipedOutputStream stdinWriter = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(stdinWriter);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> FaultProxyMain.run(
                new String[] {"--target", moto.endpoint().toString(), "--throttle-first", "1",
                        "--only", "ec2:DescribeVpcs"},
                stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));

        String stdout = awaitLine(out);
        Matcher line = ENDPOINT_LINE.matcher(stdout.strip());
        assertTrue(line.matches(), "one JSON line on stdout: " + stdout);
        URI endpoint = URI.create(line.group(1));

        try (SdkClients sdk = new SdkClients(); Ec2Client ec2 = sdk.ec2(endpoint, SdkClients.noRetries())) {
            assertTrue(assertThrows(Ec2Exception.class, ec2::describeVpcs).isThrottlingException());
            assertFalse(ec2.describeVpcs().vpcs().isEmpty());
            ec2.describeRouteTables();
        }
        HttpClient http = HttpClient.newHttpClient();
        JsonNode counts = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                endpoint.resolve("/__faults/counts")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(2, counts.path("counts").path("ec2:DescribeVpcs").asInt());
        assertEquals(1, counts.path("counts").path("ec2:DescribeRouteTables").asInt());
        assertEquals(3, counts.path("total").asInt());
        assertEquals(1, counts.path("faults").path("throttle").asInt());
        assertEquals(200, http.send(HttpRequest.newBuilder(endpoint.resolve("/__faults/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals("{\"counts\":{},\"total\":0,\"mutating\":0,\"faults\":{\"throttle\":0,\"error\":0,\"drop\":0,"
                + "\"latency\":0,\"not_found\":0,\"access_denied\":0}}", http.send(HttpRequest.newBuilder(endpoint.resolve("/__faults/counts")).build(),
                HttpResponse.BodyHandlers.ofString()).body().strip());

        stdinWriter.write("ignored input\n".getBytes(StandardCharsets.UTF_8));
        stdinWriter.close();
        assertEquals(FaultProxyMain.EXIT_OK, exit.get(10, TimeUnit.SECONDS));
        assertThrows(IOException.class, () -> new Socket(endpoint.getHost(), endpoint.getPort()).close());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("throttle on the first 1 calls of each action of "
                + "ec2:DescribeVpcs"), err.toString(StandardCharsets.UTF_8));
    }

    private static String awaitLine(ByteArrayOutputStream out) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String text = out.toString(StandardCharsets.UTF_8);
            if (text.contains("\n")) {
                return text;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no endpoint line on stdout within 10 s");
    }
}
