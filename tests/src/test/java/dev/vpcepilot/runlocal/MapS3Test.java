package dev.vpcepilot.runlocal;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.level.Integration;
import dev.vpcepilot.local.FakeHandlers;
import dev.vpcepilot.local.Interpreter;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.local.asl.StatesError;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.local.s3.S3ObjectStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * ItemReader and ResultWriter against moto's S3: items from JSON and JSON Lines objects, and the files AWS
 * documents ("ResultWriter (Map)", "Exporting to Amazon S3") read back and compared field by field.
 */
@Integration
class MapS3Test {

    private static final String PROCESSOR = """
            {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "fn", "End": true}}}""";
    /** The fields of a succeeded child's record, in the order the Developer Guide shows them. */
    private static final List<String> SUCCEEDED_FIELDS = List.of("ExecutionArn", "Input", "InputDetails", "Name",
            "Output", "OutputDetails", "RedriveCount", "RedriveStatus", "RedriveStatusReason", "StartDate",
            "StateMachineArn", "Status", "StopDate");

    private static MotoServer moto;
    private static S3Client s3;
    private static S3ObjectStore store;

    @TempDir
    Path directory;

    @BeforeAll
    static void emulator() {
        moto = Moto.fresh();
        s3 = S3Client.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .httpClient(UrlConnectionHttpClient.create()).build();
        store = new S3ObjectStore(moto.endpoint(), "us-east-1");
        s3.createBucket(b -> b.bucket("items"));
        s3.createBucket(b -> b.bucket("results"));
    }

    @AfterAll
    static void close() {
        store.close();
        s3.close();
    }

    private static void put(String key, String body) {
        s3.putObject(b -> b.bucket("items").key(key), RequestBody.fromString(body));
    }

    private static JsonNode read(String bucket, String key) {
        return json(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String());
    }

    /** Children answer their input; an input with {@code "fail": true} fails as {@code ItemFailed}. */
    private static Interpreter interpreter() {
        return new Interpreter().objects(store).task("fn", call -> {
            if (call.input().path("fail").asBoolean()) {
                throw new StatesError("ItemFailed", "item " + call.input().path("n").asText() + " failed");
            }
            return call.input();
        });
    }

    private static String reader(String inputType, String readerConfig, String key) {
        return """
                "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                  "ReaderConfig": {"InputType": "%s"%s},
                  "Parameters": {"Bucket.$": "$.bucket", "Key": "%s"}},""".formatted(inputType, readerConfig, key);
    }

    private static String map(String fields) {
        return """
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", %s "ItemProcessor": %s,
                  "Catch": [{"ErrorEquals": ["States.ItemReaderFailed", "States.ResultWriterFailed"],
                             "Next": "Caught"}], "End": true},
                  "Caught": {"Type": "Pass", "End": true}}}
                """.formatted(fields, PROCESSOR);
    }

    @Test
    void itemsComeFromAJsonArrayObjectWithItsS3UriAsTheItemSource() {
        put("in/items.json", "[{\"n\": 1}, {\"n\": 2}, {\"n\": 3}]");
        ExecutionResult result = interpreter().run(map(reader("JSON", "", "in/items.json") + """
                "ItemSelector": {"n.$": "$$.Map.Item.Value.n", "index.$": "$$.Map.Item.Index",
                                 "source.$": "$$.Map.Item.Source"},"""), "{\"bucket\": \"items\"}");
        assertTrue(result.succeeded(), () -> result.error() + ": " + result.cause());
        assertEquals(json("""
                [{"n": 1, "index": 0, "source": "S3://items/in/items.json"},
                 {"n": 2, "index": 1, "source": "S3://items/in/items.json"},
                 {"n": 3, "index": 2, "source": "S3://items/in/items.json"}]"""), result.output());
    }

    @Test
    void jsonLinesAreOneItemPerLineAndMaxItemsKeepsTheFirstOnes() {
        put("in/items.jsonl", "{\"n\": 1}\n{\"n\": 2}\r\n\n{\"n\": 3}\n");
        ExecutionResult all = interpreter().run(map(reader("JSONL", "", "in/items.jsonl")), "{\"bucket\": \"items\"}");
        assertEquals(json("[{\"n\": 1}, {\"n\": 2}, {\"n\": 3}]"), all.output());
        ExecutionResult two = interpreter().run(map(reader("JSONL", ", \"MaxItems\": 2", "in/items.jsonl")),
                "{\"bucket\": \"items\"}");
        assertEquals(json("[{\"n\": 1}, {\"n\": 2}]"), two.output());
        String fromPath = map(reader("JSONL", ", \"MaxItemsPath\": \"$.max\"", "in/items.jsonl"));
        assertEquals(json("[{\"n\": 1}]"), interpreter().run(fromPath, "{\"bucket\": \"items\", \"max\": 1}").output());
        assertEquals(3, interpreter().run(fromPath, "{\"bucket\": \"items\", \"max\": 0}").output().size(),
                "MaxItems 0 reads every item, as on AWS");
        assertEquals(3, interpreter().run(fromPath, "{\"bucket\": \"items\", \"max\": 100000001}").output().size());

        ExecutionResult negative = interpreter().run(fromPath, "{\"bucket\": \"items\", \"max\": -1}");
        assertEquals(json("{\"Error\": \"States.ItemReaderFailed\", \"Cause\": \"field MaxItems must be positive\"}"),
                negative.output());
        ExecutionResult fraction = interpreter().run(fromPath, "{\"bucket\": \"items\", \"max\": 1.5}");
        assertEquals("States.Runtime", fraction.error());
        assertEquals("An error occurred while executing the state 'Each'. The MaxItemsPath field refers to value "
                + "\"1.5\" which is not a valid integer: $.max", fraction.cause());
    }

    @Test
    void anObjectThatCannotBeReadOrParsedIsItemReaderFailed() {
        ExecutionResult missing = interpreter().run(map(reader("JSON", "", "in/absent.json")), "{\"bucket\": \"items\"}");
        assertEquals("States.ItemReaderFailed", missing.output().get("Error").asText());
        assertTrue(missing.output().get("Cause").asText().startsWith("Reading the items from "
                + "s3://items/in/absent.json failed: GetObject answered NoSuchKey"), missing.output().toString());

        put("in/number.json", "42");
        ExecutionResult number = interpreter().run(map(reader("JSON", "", "in/number.json")), "{\"bucket\": \"items\"}");
        assertEquals(json("{\"Error\": \"States.ItemReaderFailed\", \"Cause\": \"Attempting to map over non-iterable "
                + "node.\"}"), number.output());

        put("in/broken.jsonl", "{\"n\": 1}\n{\"n\": \n");
        ExecutionResult broken = interpreter().run(map(reader("JSONL", "", "in/broken.jsonl")),
                "{\"bucket\": \"items\"}");
        assertTrue(broken.output().get("Cause").asText().startsWith("Line 2 of the ItemReader object "
                + "s3://items/in/broken.jsonl is not JSON"), broken.output().toString());

        put("in/object.json", "{\"a\": 1}");
        ExecutionResult object = interpreter().run(map(reader("JSON", "", "in/object.json")), "{\"bucket\": \"items\"}");
        assertEquals("States.Runtime", object.error(), "a local limitation is never caught as a reader failure");
    }

    @Test
    void theResultWriterWritesTheManifestAndOneFileForEachStatusAsDocumented() {
        ExecutionResult exported = interpreter().run(map("""
                "Label": "Export", "ItemsPath": "$.items", "ToleratedFailureCount": 1,
                "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                  "Parameters": {"Bucket.$": "$.out", "Prefix": "runs"}},"""), """
                {"out": "results", "items": [{"n": 1}, {"n": 2, "fail": true}, {"n": 3}]}""");
        assertTrue(exported.succeeded(), () -> exported.error() + ": " + exported.cause());
        String mapRunArn = exported.output().get("MapRunArn").asText();
        assertTrue(mapRunArn.matches("arn:aws:states:us-east-1:123456789012:mapRun:Machine/Export:"
                + TestProject.UUID), mapRunArn);
        String runId = mapRunArn.substring(mapRunArn.lastIndexOf(':') + 1);
        String manifestKey = "runs/" + runId + "/manifest.json";
        assertEquals(json("""
                {"MapRunArn": "%s", "ResultWriterDetails": {"Bucket": "results", "Key": "%s"}}"""
                .formatted(mapRunArn, manifestKey)), exported.output());

        JsonNode manifest = read("results", manifestKey);
        assertEquals(json("""
                {"DestinationBucket": "results", "MapRunArn": "%1$s", "ResultFiles": {
                  "FAILED": [{"Key": "runs/%2$s/FAILED_0.json", "Size": %3$d}], "PENDING": [],
                  "SUCCEEDED": [{"Key": "runs/%2$s/SUCCEEDED_0.json", "Size": %4$d}]}}"""
                .formatted(mapRunArn, runId, size("runs/" + runId + "/FAILED_0.json"),
                        size("runs/" + runId + "/SUCCEEDED_0.json"))), manifest);
        assertEquals(List.of("FAILED_0.json", "SUCCEEDED_0.json", "manifest.json"), keysUnder("runs/" + runId + "/"));

        JsonNode succeeded = read("results", "runs/" + runId + "/SUCCEEDED_0.json");
        assertEquals(2, succeeded.size());
        for (int i = 0; i < 2; i++) {
            JsonNode record = succeeded.get(i);
            assertEquals(SUCCEEDED_FIELDS, TestProject.fieldNames(record));
            String n = i == 0 ? "1" : "3";
            assertEquals(json("{\"n\": " + n + "}"), json(record.get("Input").asText()));
            assertEquals(json("{\"n\": " + n + "}"), json(record.get("Output").asText()));
            assertEquals(json("{\"Included\": true}"), record.get("InputDetails"));
            assertEquals(json("{\"Included\": true}"), record.get("OutputDetails"));
            assertEquals("arn:aws:states:us-east-1:123456789012:execution:Machine/Export:" + record.get("Name").asText(),
                    record.get("ExecutionArn").asText());
            assertEquals("arn:aws:states:us-east-1:123456789012:stateMachine:Machine/Export",
                    record.get("StateMachineArn").asText());
            assertEquals("SUCCEEDED", record.get("Status").asText());
            assertEquals(0, record.get("RedriveCount").asInt());
            assertEquals("NOT_REDRIVABLE", record.get("RedriveStatus").asText());
            assertEquals("Execution is SUCCEEDED and cannot be redriven", record.get("RedriveStatusReason").asText());
            assertEquals("2024-05-01T12:00:00.000Z", record.get("StartDate").asText());
            assertEquals("2024-05-01T12:00:00.000Z", record.get("StopDate").asText());
        }
        JsonNode failed = read("results", "runs/" + runId + "/FAILED_0.json");
        assertEquals(1, failed.size());
        assertEquals("ItemFailed", failed.get(0).get("Error").asText());
        assertEquals("item 2 failed", failed.get(0).get("Cause").asText());
        assertEquals("FAILED", failed.get(0).get("Status").asText());
        assertEquals("REDRIVABLE", failed.get(0).get("RedriveStatus").asText());
        assertTrue(!failed.get(0).has("Output"), "a failed execution has no output");
    }

    /** "PENDING_n.json: ... child workflow executions that weren't started because the Map Run failed". */
    @Test
    void aFailedMapRunStillWritesItsResultsPendingItemsIncluded() {
        CountDownLatch itemZeroStarted = new CountDownLatch(1);
        CountDownLatch failureReported = new CountDownLatch(1);
        Interpreter interpreter = new Interpreter().objects(store).task("fn", call -> {
            if (call.input().asInt() == 1) {
                awaitQuietly(itemZeroStarted);
                throw new StatesError("ItemFailed", "item 1");
            }
            itemZeroStarted.countDown();
            try {
                failureReported.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return call.input();
        });
        ExecutionResult result = interpreter.run("""
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "MaxConcurrency": 2,
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "First", "States": {"First": {"Type": "Task", "Resource": "fn", "Next": "Second"},
                      "Second": {"Type": "Pass", "End": true}}},
                  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                    "Parameters": {"Bucket": "results", "Prefix": "failed/"}}, "End": true}}}
                """, "[0, 1, 2, 3, 4]", event -> {
                    if (event instanceof ProgressEvent.ChildExecutionEnded ended && ended.index() == 1) {
                        failureReported.countDown();
                    }
                });
        assertEquals("States.ExceedToleratedFailureThreshold", result.error());
        String mapRunArn = result.events(ProgressEvent.MapRunStarted.class).get(0).mapRunArn();
        String directory = "failed/" + mapRunArn.substring(mapRunArn.lastIndexOf(':') + 1) + "/";
        JsonNode manifest = read("results", directory + "manifest.json");
        assertEquals(List.of(), jsonList(manifest.at("/ResultFiles/SUCCEEDED")));
        JsonNode failed = read("results", directory + "FAILED_0.json");
        assertEquals(List.of("ABORTED", "FAILED"), List.of(failed.get(0).get("Status").asText(),
                failed.get(1).get("Status").asText()), "aborted children go to the FAILED file");
        JsonNode pending = read("results", directory + "PENDING_0.json");
        assertEquals(json("""
                [{"Input": "2", "InputDetails": {"Included": true}, "Status": "PENDING"},
                 {"Input": "3", "InputDetails": {"Included": true}, "Status": "PENDING"},
                 {"Input": "4", "InputDetails": {"Included": true}, "Status": "PENDING"}]"""), pending);
    }

    @Test
    void aBucketThatCannotBeWrittenIsResultWriterFailedAndAnEmptyPrefixWritesAtTheTop() {
        ExecutionResult missing = interpreter().run(map("""
                "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "absent"}},"""),
                "[1]");
        assertEquals("States.ResultWriterFailed", missing.output().get("Error").asText());
        assertTrue(missing.output().get("Cause").asText().contains("NoSuchBucket"), missing.output().toString());

        ExecutionResult top = interpreter().run(map("""
                "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "results"}},"""),
                "[1]");
        String key = top.output().at("/ResultWriterDetails/Key").asText();
        String mapRunArn = top.output().get("MapRunArn").asText();
        assertEquals(mapRunArn.substring(mapRunArn.lastIndexOf(':') + 1) + "/manifest.json", key);
        assertEquals(1, read("results", key).at("/ResultFiles/SUCCEEDED").size());
    }

    /** LocalWorkflow gives its interpreter the emulator's S3 and runs the Map's handlers. */
    @Test
    void theLocalWorkflowRunsADistributedMapOverTheEmulatorsS3() {
        put("in/workflow.json", "[\"a\", \"b\", \"c\"]");
        TestProject.write(directory, TestProject.template("Echo=" + FakeHandlers.Echo.class.getName()), """
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "MaxConcurrency": 3,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
                    "Parameters": {"Bucket": "items", "Key": "in/workflow.json"}},
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Echo", "States": {"Echo": {"Type": "Task", "Resource": "${EchoArn}",
                      "OutputPath": "$.received", "End": true}}},
                  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                    "Parameters": {"Bucket": "results", "Prefix": "workflow"}}, "End": true}}}
                """);
        try (LocalWorkflow workflow = LocalWorkflow.builder(directory).region("us-east-1").endpoint(moto.endpoint())
                .timeScale(0).functionLog(line -> { }).build()) {
            ExecutionResult result = workflow.run(json("{}"), "map-run");
            assertTrue(result.succeeded(), () -> result.error() + ": " + result.cause());
            JsonNode manifest = read("results", result.output().at("/ResultWriterDetails/Key").asText());
            JsonNode succeeded = read("results", manifest.at("/ResultFiles/SUCCEEDED/0/Key").asText());
            List<String> outputs = new ArrayList<>();
            succeeded.forEach(record -> outputs.add(json(record.get("Output").asText()).asText()));
            assertEquals(List.of("a", "b", "c"), outputs);
        }
    }

    private static long size(String key) {
        return s3.headObject(b -> b.bucket("results").key(key)).contentLength();
    }

    private static List<String> keysUnder(String prefix) {
        return s3.listObjectsV2(b -> b.bucket("results").prefix(prefix)).contents().stream().map(S3Object::key)
                .map(key -> key.substring(prefix.length())).sorted().toList();
    }

    private static List<JsonNode> jsonList(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    /** Item 1 fails only once item 0 runs, so that item 0 is running (not yet started) when the run fails. */
    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
