package dev.vpcepilot.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.moto.MotoServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SfnException;

/** The proxy between real SDK v2 clients and a real moto_server on loopback. */
class FaultProxyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a plain HTTP call of these tests may take before it fails the test by name. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** An execution the emulator does not know: Step Functions answers ExecutionDoesNotExist. */
    private static final String DYNAMODB = "com.amazonaws.us-east-1.dynamodb";
    private static final String NO_EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:none:none";
    // A client per test (closed with its proxy, so no pooled connection outlives the proxy it was made to), and a
    // timeout on every call: a call that gets no answer fails its test by name instead of waiting without end.
    private HttpClient http;

    private static MotoServer moto;
    private static SdkClients sdk;
    private FaultProxy proxy;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
        sdk = new SdkClients();
    }

    @AfterAll
    static void stopMoto() throws Exception {
        if (sdk != null) {
            sdk.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void startProxy() throws IOException {
        proxy = FaultProxy.start(moto.endpoint());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    @AfterEach
    void stopProxy() {
        http.close();
        proxy.close();
    }

    @Test
    void forwardsTransparently() {
        try (Ec2Client direct = sdk.ec2(moto.endpoint(), SdkClients.noRetries());
             Ec2Client proxied = sdk.ec2(proxy.endpoint(), SdkClients.noRetries());
             DynamoDbClient directDb = sdk.dynamoDb(moto.endpoint(), SdkClients.noRetries());
             DynamoDbClient proxiedDb = sdk.dynamoDb(proxy.endpoint(), SdkClients.noRetries())) {
            String vpcId = proxied.describeVpcs(r -> r.filters(Filter.builder().name("is-default").values("true")
                    .build())).vpcs().get(0).vpcId();
            proxied.createTags(r -> r.resources(vpcId).tags(Tag.builder().key("Name").value("through proxy ü").build()));

            List<Vpc> viaProxy = proxied.describeVpcs().vpcs();
            assertEquals(direct.describeVpcs().vpcs(), viaProxy);
            assertTrue(viaProxy.stream().anyMatch(v -> v.vpcId().equals(vpcId)
                    && v.tags().stream().anyMatch(t -> t.value().equals("through proxy ü"))));

            String table = "t" + UUID.randomUUID().toString().replace("-", "");
            proxiedDb.createTable(r -> r.tableName(table).billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType("S").build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType("HASH").build()));
            assertEquals(directDb.listTables().tableNames(), proxiedDb.listTables().tableNames());
            assertTrue(directDb.listTables().tableNames().contains(table));
            assertEquals(0, proxy.faultsInjected().values().stream().mapToInt(Integer::intValue).sum());
        }
    }

    @Test
    void countsCallsPerActionTotalAndMutating() {
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries());
             DynamoDbClient db = sdk.dynamoDb(proxy.endpoint(), SdkClients.noRetries());
             SfnClient sfn = sdk.sfn(proxy.endpoint(), SdkClients.noRetries())) {
            ec2.describeVpcs();
            ec2.describeVpcs();
            String vpcId = ec2.describeVpcs(r -> r.filters(Filter.builder().name("is-default").values("true").build()))
                    .vpcs().get(0).vpcId();
            ec2.createTags(r -> r.resources(vpcId).tags(Tag.builder().key("counted").value("yes").build()));
            db.listTables();
            assertThrows(SfnException.class, () -> sfn.describeExecution(r -> r.executionArn(NO_EXECUTION)));

            assertEquals(Map.of("ec2:DescribeVpcs", 3, "ec2:CreateTags", 1, "dynamodb:ListTables", 1,
                    "states:DescribeExecution", 1), proxy.counts());
            assertEquals(3, proxy.count("ec2:DescribeVpcs"));
            assertEquals(0, proxy.count("ec2:DeleteVpc"));
            assertEquals(6, proxy.total());
            assertEquals(1, proxy.mutatingCount());

            proxy.reset();
            assertEquals(Map.of(), proxy.counts());
            assertEquals(0, proxy.total());
            assertEquals(0, proxy.mutatingCount());
        }
    }

    @Test
    void throttlesEveryNthCallAsEc2RequestLimitExceeded() {
        proxy.addRule(FaultRule.throttleEvery(3).only("ec2:"));
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries());
             DynamoDbClient db = sdk.dynamoDb(proxy.endpoint(), SdkClients.noRetries())) {
            for (int round = 0; round < 2; round++) {
                ec2.describeVpcs();
                db.listTables(); // out of scope: neither counted by the rule nor faulted
                ec2.describeRouteTables();
                Ec2Exception e = assertThrows(Ec2Exception.class, ec2::describeVpcs);
                assertTrue(e.isThrottlingException(), "the SDK must classify it as throttling");
                assertEquals(503, e.statusCode());
                assertEquals("RequestLimitExceeded", e.awsErrorDetails().errorCode());
                assertEquals("Request limit exceeded.", e.awsErrorDetails().errorMessage());
            }
        }
        assertEquals(2, proxy.faultsInjected(FaultKind.THROTTLE));
        assertEquals(4, proxy.count("ec2:DescribeVpcs"));
        assertEquals(2, proxy.count("dynamodb:ListTables"));
    }

    @Test
    void throttlesDynamoDbAndStepFunctionsInTheirOwnFormat() {
        proxy.addRule(FaultRule.throttleEvery(1).only("dynamodb:ListTables"))
                .addRule(FaultRule.throttleEvery(1).only("states:"));
        try (DynamoDbClient db = sdk.dynamoDb(proxy.endpoint(), SdkClients.noRetries());
             SfnClient sfn = sdk.sfn(proxy.endpoint(), SdkClients.noRetries());
             Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries())) {
            DynamoDbException dynamo = assertThrows(DynamoDbException.class, db::listTables);
            assertTrue(dynamo.isThrottlingException());
            assertEquals(400, dynamo.statusCode());
            assertEquals("ThrottlingException", dynamo.awsErrorDetails().errorCode());
            assertEquals("Rate of requests exceeds the allowed throughput.", dynamo.awsErrorDetails().errorMessage());

            SfnException states = assertThrows(SfnException.class,
                    () -> sfn.describeExecution(r -> r.executionArn(NO_EXECUTION)));
            assertTrue(states.isThrottlingException());
            assertEquals(400, states.statusCode());
            assertEquals("ThrottlingException", states.awsErrorDetails().errorCode());

            ec2.describeVpcs();
            db.describeEndpoints();
        }
        assertEquals(2, proxy.faultsInjected(FaultKind.THROTTLE));
    }

    @Test
    void injectedErrorsAreExactlyWhatTheServicesSend() throws Exception {
        proxy.addRule(FaultRule.throttleEvery(1).only("ec2:DescribeVpcs"))
                .addRule(FaultRule.throttleEvery(1).only("dynamodb:"))
                .addRule(FaultRule.throttleEvery(1).only("states:"))
                .addRule(FaultRule.errorEvery(1).only("ec2:DescribeSubnets"));

        HttpResponse<String> ec2 = post("/", "application/x-www-form-urlencoded; charset=utf-8", null,
                "Action=DescribeVpcs&Version=2016-11-15");
        assertEquals(503, ec2.statusCode());
        assertEquals("text/xml", ec2.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(ec2.body().matches("<\\?xml version=\"1.0\" encoding=\"UTF-8\"\\?><Response><Errors><Error>"
                + "<Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors>"
                + "<RequestID>[0-9a-f-]{36}</RequestID></Response>"), ec2.body());

        HttpResponse<String> dynamo = post("/", "application/x-amz-json-1.0", "DynamoDB_20120810.ListTables", "{}");
        assertEquals(400, dynamo.statusCode());
        assertEquals("application/x-amz-json-1.0", dynamo.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\","
                + "\"message\":\"Rate of requests exceeds the allowed throughput.\"}", dynamo.body());

        HttpResponse<String> states = post("/", "application/x-amz-json-1.0", "AWSStepFunctions.StartExecution",
                "{}");
        assertEquals(400, states.statusCode());
        assertEquals("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}", states.body());

        HttpResponse<String> internal = post("/?Action=DescribeSubnets&Version=2016-11-15", "text/plain", null, "");
        assertEquals(500, internal.statusCode());
        assertTrue(internal.body().contains("<Code>InternalError</Code>"), internal.body());

        assertEquals(Map.of("ec2:DescribeVpcs", 1, "dynamodb:ListTables", 1, "states:StartExecution", 1,
                "ec2:DescribeSubnets", 1), proxy.counts());
        assertEquals(1, proxy.mutatingCount());
    }

    @Test
    void errorEveryNthIsHttp500InternalError() {
        proxy.addRule(FaultRule.errorEvery(2));
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries());
             DynamoDbClient db = sdk.dynamoDb(proxy.endpoint(), SdkClients.noRetries())) {
            ec2.describeVpcs();
            Ec2Exception e = assertThrows(Ec2Exception.class, ec2::describeVpcs);
            assertEquals(500, e.statusCode());
            assertEquals("InternalError", e.awsErrorDetails().errorCode());
            assertFalse(e.isThrottlingException());

            db.listTables();
            DynamoDbException d = assertThrows(DynamoDbException.class, db::listTables);
            assertEquals(500, d.statusCode());
            assertEquals("InternalServerError", d.awsErrorDetails().errorCode());
            assertFalse(d.isThrottlingException());
        }
        assertEquals(Map.of(FaultKind.THROTTLE, 0, FaultKind.ERROR, 2, FaultKind.DROP, 0, FaultKind.LATENCY, 0,
                FaultKind.NOT_FOUND, 0, FaultKind.ACCESS_DENIED, 0), proxy.faultsInjected());
    }

    @Test
    void errorShareFiresOnAnExactShare() {
        proxy.addRule(FaultRule.errorShare(0.5).only("dynamodb:"));
        int failures = 0;
        try (DynamoDbClient db = sdk.dynamoDb(proxy.endpoint(), SdkClients.noRetries())) {
            for (int i = 0; i < 6; i++) {
                try {
                    db.listTables();
                } catch (DynamoDbException e) {
                    assertEquals(500, e.statusCode());
                    failures++;
                }
            }
        }
        assertEquals(3, failures);
        assertEquals(3, proxy.faultsInjected(FaultKind.ERROR));
    }

    @Test
    void throttlesTheFirstKCallsOfEachActionThenLetsCallKPlusOneThrough() {
        proxy.addRule(FaultRule.throttleFirst(6).only("ec2:"));
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries())) {
            for (int i = 1; i <= 6; i++) {
                AwsServiceException e = assertThrows(AwsServiceException.class, ec2::describeVpcs, "call " + i);
                assertTrue(e.isThrottlingException());
            }
            ec2.describeVpcs(); // call 7
            ec2.describeVpcs();
            // the counter is per action: DescribeRouteTables starts over
            assertTrue(assertThrows(AwsServiceException.class, ec2::describeRouteTables).isThrottlingException());
        }
        assertEquals(7, proxy.faultsInjected(FaultKind.THROTTLE));
        assertEquals(8, proxy.count("ec2:DescribeVpcs"));

        proxy.reset(); // a reset starts the first-K window over
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries())) {
            assertTrue(assertThrows(AwsServiceException.class, ec2::describeVpcs).isThrottlingException());
        }
    }

    @Test
    void standardRetriesGetThroughThrottlingOfEveryThirdCall() {
        proxy.addRule(FaultRule.throttleEvery(3));
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.standardRetries());
             DynamoDbClient db = sdk.dynamoDb(proxy.endpoint(), SdkClients.standardRetries())) {
            for (int i = 0; i < 3; i++) {
                ec2.describeVpcs();
                db.listTables();
            }
        }
        int throttles = proxy.faultsInjected(FaultKind.THROTTLE);
        assertTrue(throttles >= 2, "throttles: " + throttles);
        assertEquals(6 + throttles, proxy.total(), "every throttled call was retried once");
    }

    @Test
    void droppedConnectionIsAnIoErrorForTheSdk() {
        proxy.addRule(FaultRule.dropEvery(1).only("ec2:DescribeVpcs"));
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries())) {
            SdkClientException e = assertThrows(SdkClientException.class, ec2::describeVpcs);
            assertInstanceOf(IOException.class, rootCause(e), () -> "cause: " + rootCause(e));
            ec2.describeRouteTables(); // other actions still get through on a fresh connection
        }
        assertTrue(proxy.faultsInjected(FaultKind.DROP) >= 1);
        assertEquals(proxy.count("ec2:DescribeVpcs"), proxy.faultsInjected(FaultKind.DROP));
    }

    @Test
    void sdkRetriesGetThroughDroppedConnections() {
        proxy.addRule(FaultRule.dropEvery(2).only("ec2:DescribeVpcs"));
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.standardRetries())) {
            for (int i = 0; i < 4; i++) {
                assertFalse(ec2.describeVpcs().vpcs().isEmpty());
            }
        }
        assertTrue(proxy.faultsInjected(FaultKind.DROP) >= 2, proxy.faultsInjected().toString());
    }

    @Test
    void addsLatencyBeforeForwarding() {
        proxy.addRule(FaultRule.latency(400).only("dynamodb:"));
        try (DynamoDbClient db = sdk.dynamoDb(proxy.endpoint(), SdkClients.noRetries());
             Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries())) {
            db.listTables(); // warm the client outside the measurement
            ec2.describeVpcs();
            long start = System.nanoTime();
            db.listTables();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMs >= 400, "elapsed " + elapsedMs + " ms");
        }
        assertEquals(2, proxy.faultsInjected(FaultKind.LATENCY));
    }

    @Test
    void combinedRulesFirstTerminalRuleWinsAndAllCountersAdvance() {
        proxy.addRule(FaultRule.errorEvery(2).only("ec2:"))
                .addRule(FaultRule.throttleEvery(2).only("ec2:"))
                .addRule(FaultRule.throttleEvery(3).only("ec2:"));
        List<Integer> statuses = new ArrayList<>();
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries())) {
            for (int i = 0; i < 6; i++) {
                try {
                    ec2.describeVpcs();
                    statuses.add(200);
                } catch (Ec2Exception e) {
                    statuses.add(e.statusCode());
                }
            }
        }
        assertEquals(List.of(200, 500, 503, 500, 200, 500), statuses);
        assertEquals(3, proxy.faultsInjected(FaultKind.ERROR));
        assertEquals(1, proxy.faultsInjected(FaultKind.THROTTLE));
    }

    @Test
    void motoApiIsCountedButNeverFaulted() throws Exception {
        proxy.addRule(FaultRule.dropEvery(1)).addRule(FaultRule.throttleEvery(1)).addRule(FaultRule.errorEvery(1));
        HttpResponse<String> answer = http.send(request(proxy.endpoint().resolve("/moto-api/"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode());
        HttpResponse<String> data = http.send(request(proxy.endpoint().resolve("/moto-api/data.json"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, data.statusCode());
        assertEquals(Map.of("other:GET /moto-api/", 1, "other:GET /moto-api/data.json", 1), proxy.counts());
        assertEquals(0, proxy.faultsInjected().values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(0, proxy.mutatingCount());
    }

    @Test
    void controlEndpointsServeAndResetCountsAndAreNeverForwarded() throws Exception {
        proxy.addRule(FaultRule.throttleEvery(2));
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries())) {
            ec2.describeVpcs();
            assertThrows(Ec2Exception.class, ec2::describeVpcs);
        }
        HttpResponse<String> counts = http.send(request(proxy.endpoint().resolve("/__faults/counts"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, counts.statusCode());
        assertEquals("application/json", counts.headers().firstValue("Content-Type").orElseThrow());
        JsonNode json = JSON.readTree(counts.body());
        assertEquals(2, json.path("counts").path("ec2:DescribeVpcs").asInt());
        assertEquals(2, json.path("total").asInt());
        assertEquals(0, json.path("mutating").asInt());
        assertEquals(1, json.path("faults").path("throttle").asInt());
        assertEquals(0, json.path("faults").path("drop").asInt());

        assertEquals(405, http.send(request(proxy.endpoint().resolve("/__faults/reset")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(404, http.send(request(proxy.endpoint().resolve("/__faults/nothing")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        HttpResponse<String> reset = http.send(request(proxy.endpoint().resolve("/__faults/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reset.statusCode());
        assertEquals(0, proxy.total());
        assertEquals(Map.of(), proxy.counts());
        assertEquals(0, proxy.faultsInjected(FaultKind.THROTTLE));
        // the rule restarted too: the next call is call 1 again
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries())) {
            ec2.describeVpcs();
        }
    }

    @Test
    void concurrentCallsAreCountedAndFaultedExactly() throws Exception {
        proxy.addRule(FaultRule.throttleEvery(4).only("ec2:"));
        AtomicInteger throttled = new AtomicInteger();
        AtomicInteger succeeded = new AtomicInteger();
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries());
             ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        try {
                            ec2.describeVpcs();
                            succeeded.incrementAndGet();
                        } catch (Ec2Exception e) {
                            assertTrue(e.isThrottlingException());
                            throttled.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals(40, proxy.count("ec2:DescribeVpcs"));
        assertEquals(40, proxy.total());
        assertEquals(10, throttled.get());
        assertEquals(30, succeeded.get());
        assertEquals(10, proxy.faultsInjected(FaultKind.THROTTLE));
    }

    @Test
    void rawHttpChunkedBodyExpectContinueKeepAliveAndHead() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String form = "Action=DescribeVpcs&Version=2016-11-15";
            String chunked = Integer.toHexString(10) + "\r\n" + form.substring(0, 10) + "\r\n"
                    + Integer.toHexString(form.length() - 10) + "\r\n" + form.substring(10) + "\r\n0\r\n\r\n";
            // moto tells the service from the SigV4 credential scope (it does not check the signature)
            out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, "
                    + "SignedHeaders=host, Signature=0\r\n"
                    + "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
                    + "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
            assertEquals("HTTP/1.1 100 Continue", reader.readLine());
            assertEquals("", reader.readLine());
            out.write(chunked.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String body = readResponseBody(reader, 200);
            assertTrue(body.contains("<DescribeVpcsResponse"), body);

            // the same connection serves the next request (keep-alive), a HEAD without a body
            out.write("HEAD /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("HTTP/1.1 200 OK", reader.readLine());
            String line;
            boolean hasLength = false;
            while (!(line = reader.readLine()).isEmpty()) {
                hasLength |= line.toLowerCase().startsWith("content-length:");
            }
            assertTrue(hasLength, "HEAD keeps the upstream Content-Length");

            out.write("GET /__faults/counts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String counts = readResponseBody(reader, 200);
            assertTrue(counts.contains("\"ec2:DescribeVpcs\":1"), counts);
            assertTrue(counts.contains("\"other:HEAD /moto-api/\":1"), counts);
            assertEquals(-1, reader.read(), "Connection: close is honoured");
        }
    }

    @Test
    void refusesListTablesAsAPolicyWouldUntilToldOtherwise() {
        try (DynamoDbClient db = sdk.dynamoDb(proxy.endpoint(), SdkClients.noRetries())) {
            proxy.refuseListTables(true);
            proxy.refuseListTables(true); // once is enough
            DynamoDbException denied = assertThrows(DynamoDbException.class, db::listTables);
            assertEquals(400, denied.statusCode());
            assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
            assertTrue(denied.awsErrorDetails().errorMessage().contains("dynamodb:ListTables"),
                    denied.awsErrorDetails().errorMessage());
            db.describeEndpoints(); // another action of the service is not refused

            proxy.refuseListTables(false);
            db.listTables();
        }
        assertEquals(1, proxy.faultsInjected(FaultKind.ACCESS_DENIED));
        assertEquals(List.of(), proxy.rules());
    }

    @Test
    void showsAvailableEndpointsInTheQueuedStatesThenAsTheyAre() {
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries())) {
            String vpcId = ec2.describeVpcs(r -> r.filters(Filter.builder().name("is-default").values("true").build()))
                    .vpcs().get(0).vpcId();
            proxy.reportEndpointsAs("pending", "failed");
            VpcEndpoint created = ec2.createVpcEndpoint(r -> r.vpcId(vpcId).serviceName(DYNAMODB)
                    .vpcEndpointType(VpcEndpointType.GATEWAY)).vpcEndpoint();
            assertEquals("pending", created.stateAsString(), "a create shows pending while states are queued");

            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                seen.add(ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(created.vpcEndpointId())).vpcEndpoints()
                        .get(0).stateAsString());
            }
            assertEquals(List.of("pending", "failed", "available"), seen);
            assertEquals(2, proxy.rewritten());

            proxy.reportEndpointsAs("pending", 5);
            proxy.clear();
            assertEquals("available", ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(created.vpcEndpointId()))
                    .vpcEndpoints().get(0).stateAsString(), "clear() drops the queued states");
        }
    }

    @Test
    void aGateHoldsEveryCallOfItsActionUntilItOpens() throws Exception {
        Gate gate = proxy.hold("ec2:DescribeVpcs");
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries());
             ExecutorService pool = Executors.newFixedThreadPool(2)) {
            assertFalse(gate.arrived());
            Future<Integer> held = pool.submit(() -> ec2.describeVpcs().vpcs().size());
            gate.awaitArrival(Duration.ofSeconds(10));
            assertTrue(gate.arrived());
            ec2.describeRouteTables(); // another action goes through meanwhile
            assertFalse(held.isDone(), "the held call waits for the gate");

            gate.open();
            assertTrue(held.get(10, TimeUnit.SECONDS) > 0);
            ec2.describeVpcs(); // and every later one goes through
        }
        assertThrows(AssertionError.class, () -> proxy.hold("ec2:DescribeSubnets").awaitArrival(Duration.ZERO));
    }

    @Test
    void aHeldCallLandsAfterItsClientGaveUpOnIt() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        FaultRule late = FaultRule.holdFirst(1, gate, Duration.ofSeconds(30)).only("ec2:CreateTags");
        proxy.addRule(late);
        try (Ec2Client ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries())) {
            String vpcId = ec2.describeVpcs(r -> r.filters(Filter.builder().name("is-default").values("true").build()))
                    .vpcs().get(0).vpcId();
            Tag tag = Tag.builder().key("late").value("yes").build();
            assertThrows(SdkClientException.class, () -> ec2.createTags(r -> r.resources(vpcId).tags(tag)
                    .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofMillis(500)))),
                    "the client gives up on the held call");
            assertTrue(late.awaitHolding(Duration.ZERO));
            assertFalse(late.awaitLanded(Duration.ofMillis(200)), "held, not forwarded yet");

            gate.countDown();
            assertTrue(late.awaitLanded(Duration.ofSeconds(10)), "forwarded once the gate opened");
            assertTrue(ec2.describeVpcs(r -> r.vpcIds(vpcId)).vpcs().get(0).tags().contains(tag),
                    "the late call changed the emulator");
        }
    }

    @Test
    void unreachableUpstreamIsBadGateway() throws Exception {
        int deadPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            deadPort = probe.getLocalPort();
        }
        try (FaultProxy dead = FaultProxy.start(URI.create("http://127.0.0.1:" + deadPort))) {
            // bounded: on a busy machine another process may take the freed port before the proxy connects
            HttpResponse<String> answer = http.send(request(dead.endpoint().resolve("/"))
                    .timeout(java.time.Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(502, answer.statusCode());
            assertTrue(answer.body().contains("upstream"), answer.body());
        }
    }

    @Test
    void listensOnAGivenPortAndStopsOnClose() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        FaultProxy fixed = FaultProxy.start(moto.endpoint(), port);
        assertEquals(URI.create("http://127.0.0.1:" + port), fixed.endpoint());
        assertEquals(200, http.send(request(fixed.endpoint().resolve("/moto-api/")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        fixed.close();
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
        assertThrows(IllegalArgumentException.class, () -> FaultProxy.start(URI.create("https://127.0.0.1:1")));
    }

    private static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT);
    }

    private HttpResponse<String> post(String target, String contentType, String amzTarget, String body)
            throws Exception {
        HttpRequest.Builder request = request(proxy.endpoint().resolve(target))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (amzTarget != null) {
            request.header("X-Amz-Target", amzTarget);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Reads a status line, headers and a Content-Length body from a raw connection. */
    private static String readResponseBody(BufferedReader reader, int expectedStatus) throws IOException {
        String status = reader.readLine();
        assertTrue(status.startsWith("HTTP/1.1 " + expectedStatus + " "), status);
        int length = -1;
        String line;
        while (!(line = reader.readLine()).isEmpty()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        assertTrue(length >= 0, "the proxy always sends Content-Length");
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            int n = reader.read(body, read, length - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return new String(body, 0, read);
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
