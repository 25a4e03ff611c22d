package dev.vpcepilot.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.contract.CleanupResult;
import dev.vpcepilot.contract.FailureReport;
import dev.vpcepilot.contract.InterfaceVerification;
import dev.vpcepilot.contract.ReleaseResult;
import dev.vpcepilot.contract.ResolvedVpc;
import dev.vpcepilot.contract.ValidatedRequest;
import dev.vpcepilot.contract.Verification;
import dev.vpcepilot.errors.WorkflowError;
import dev.vpcepilot.handlers.CleanupHandler;
import dev.vpcepilot.handlers.CreateEndpointHandler;
import dev.vpcepilot.handlers.DataPathProbeHandler;
import dev.vpcepilot.handlers.ReleaseHandler;
import dev.vpcepilot.handlers.ResolveVpcHandler;
import dev.vpcepilot.handlers.VerifyEndpointHandler;
import dev.vpcepilot.handlers.VerifyInterfaceEndpointHandler;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.kit.level.Static;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.sharing.ServingState;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The handlers' JSON against what statemachine/vpc-endpoint.asl.json sends and reads: every {@code $.<part>.<field>}
 * the definition reads exists in the output of the step that writes {@code $.<part>}, every task's Parameters are
 * exactly the fields its handler accepts, and every error name it matches exists.
 */
@Static
class StateMachineContractTest {

    private static String aslText;
    private static JsonNode asl;

    /**
     * What each step writes at its ResultPath, as the handlers serialize it ({@code $.verification}: a gateway
     * endpoint's, and an interface endpoint's, each read by its own output state: {@link #VERIFICATION_READERS}).
     */
    static final Map<String, List<Class<? extends Record>>> RESULTS = Map.of(
            "request", List.of(ValidatedRequest.class),
            "vpc", List.of(ResolvedVpc.class),
            "endpoint", List.of(ServingState.class),
            "release", List.of(ReleaseResult.class),
            "verification", List.of(Verification.class, InterfaceVerification.class),
            "cleanup", List.of(CleanupResult.class),
            "failure", List.of(FailureReport.class));

    /** The states that read {@code $.verification}, and whose verification they read. */
    static final Map<String, Class<? extends Record>> VERIFICATION_READERS = Map.of(
            "BuildOutput", Verification.class,
            "SkipCleanup", Verification.class,
            "BuildInterfaceOutput", InterfaceVerification.class,
            "SkipInterfaceCleanup", InterfaceVerification.class);

    @BeforeAll
    static void load() throws IOException {
        Path root = TestProject.root();
        Path file = root.resolve("statemachine/vpc-endpoint.asl.json");
        if (!Files.exists(file)) {
            file = Path.of("statemachine/vpc-endpoint.asl.json");
        }
        aslText = Files.readString(file);
        asl = Json.MAPPER.readTree(aslText);
    }

    /** statemachine/vpc-endpoint.asl.json as the repository holds it. */
    static JsonNode definition() throws IOException {
        load();
        return asl;
    }

    private static JsonNode state(String name) {
        JsonNode state = asl.path("States").path(name);
        assertFalse(state.isMissingNode(), "no state " + name);
        return state;
    }

    private static Set<String> recordFields(Class<? extends Record> type) {
        return Stream.of(type.getRecordComponents()).map(c -> c.getName()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The field names as the handlers' ObjectMapper writes them (which is what the state machine sees). */
    private static Set<String> jsonFields(Class<? extends Record> type) {
        Set<String> names = new TreeSet<>();
        Json.MAPPER.valueToTree(sample(type)).fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A value of each step's result, every field the state machine reads set. */
    static Record sample(Class<? extends Record> type) {
        return switch (type.getSimpleName()) {
            case "ValidatedRequest" -> new ValidatedRequest("us-east-1", "s", "Gateway", null, null, null, Map.of(), false,
                    false, null, false);
            case "ResolvedVpc" -> new ResolvedVpc("vpc-1", true, List.of(), List.of());
            case "ServingState" -> ServingState.of(List.of(new ServingState.Endpoint("vpce-1", true, true, true,
                    "available", List.of(), null)), Map.of());
            case "Verification" -> new Verification(true, true, "pl-1", "vpce-1", true,
                    List.of(new SharedEndpoints.EndpointReport("vpce-1", true, true, List.of())), List.of(),
                    List.of(), 0, true, List.of());
            case "InterfaceVerification" -> new InterfaceVerification(true, true, true, 0, "vpce-1", true,
                    List.of(), List.of(), List.of(), List.of(), List.of(),
                    new InterfaceVerification.DnsNames("r", List.of()), "https://r", "https://r");
            case "CleanupResult" -> new CleanupResult(true, "vpce-1", "d", List.of(), Map.of(), List.of());
            case "ReleaseResult" -> new ReleaseResult(List.of(), List.of(), Map.of(), Map.of(), "d");
            case "FailureReport" -> new FailureReport("E", "c", List.of());
            default -> throw new IllegalArgumentException(type.getName());
        };
    }

    private static Set<String> parameterKeys(String stateName) {
        Set<String> keys = new TreeSet<>();
        state(stateName).path("Parameters").fieldNames()
                .forEachRemaining(k -> keys.add(k.endsWith(".$") ? k.substring(0, k.length() - 2) : k));
        return keys;
    }

    static Stream<Arguments> readPaths() throws IOException {
        load();
        Matcher m = Pattern.compile("\\$\\.(request|vpc|endpoint|verification|cleanup|release|failure)\\.([A-Za-z]+)")
                .matcher(aslText);
        Set<String> seen = new TreeSet<>();
        List<Arguments> paths = new ArrayList<>();
        while (m.find()) {
            if (seen.add(m.group())) {
                paths.add(Arguments.of(m.group(1), m.group(2)));
            }
        }
        return paths.stream();
    }

    @ParameterizedTest(name = "$.{0}.{1}")
    @MethodSource("readPaths")
    void everyFieldTheDefinitionReadsIsWritten(String part, String field) throws Exception {
        Set<String> written = new TreeSet<>();
        RESULTS.get(part).forEach(type -> written.addAll(jsonFields(type)));
        assertTrue(written.contains(field), "$." + part + "." + field + " is read but " + RESULTS.get(part) + " write "
                + written);
    }

    @Test
    void eachOutputReadsTheVerificationOfItsEndpointType() {
        Pattern read = Pattern.compile("\\$\\.verification\\.([A-Za-z]+)");
        VERIFICATION_READERS.forEach((name, type) -> {
            Matcher m = read.matcher(state(name).toString());
            int count = 0;
            while (m.find()) {
                count++;
                assertTrue(jsonFields(type).contains(m.group(1)), name + " reads $.verification." + m.group(1)
                        + ", which " + type.getSimpleName() + " does not write");
            }
            assertTrue(count > 0, name + " reads the verification");
        });
    }

    @Test
    void theFieldsTheBriefNamesAreAmongThoseRead() throws Exception {
        Set<String> read = readPaths().map(a -> "$." + a.get()[0] + "." + a.get()[1]).collect(Collectors.toSet());

        for (String path : List.of("$.endpoint.state", "$.endpoint.waitAttempts", "$.verification.prefixListId",
                "$.cleanup.cleanedUp", "$.failure.error", "$.failure.cause")) {
            assertTrue(read.contains(path), path + " is no longer read by the definition: " + read);
        }
    }

    @Test
    void eachStepWritesWhereTheOthersReadIt() {
        Map<String, String> resultPaths = Map.of(
                "CheckServiceAvailability", "$.request",
                "ResolveVpc", "$.vpc",
                "CreateEndpoint", "$.endpoint",
                "GetEndpointStatus", "$.endpoint",
                "VerifyEndpoint", "$.verification",
                "Cleanup", "$.cleanup",
                "SkipCleanup", "$.cleanup",
                "ReleaseEndpoints", "$.release",
                "HandleFailure", "$.failure");
        resultPaths.forEach((name, path) -> assertEquals(path, state(name).path("ResultPath").asText(), name));
        Map.of("CreateInterfaceEndpoint", "$.endpoint", "GetInterfaceStatus", "$.endpoint",
                        "VerifyInterfaceEndpoint", "$.verification", "CleanupInterface", "$.cleanup",
                        "SkipInterfaceCleanup", "$.cleanup", "ReleaseInterfaceEndpoints", "$.release")
                .forEach((name, path) -> assertEquals(path, state(name).path("ResultPath").asText(), name));
        assertEquals("$.input", state("CheckServiceAvailability").path("InputPath").asText());
        assertEquals("$.endpoint", state("GetEndpointStatus").path("InputPath").asText());
    }

    static Stream<Arguments> taskInputs() {
        return Stream.of(
                Arguments.of("ResolveVpc", ResolveVpcHandler.Input.class),
                Arguments.of("CreateEndpoint", CreateEndpointHandler.Input.class),
                Arguments.of("VerifyEndpoint", VerifyEndpointHandler.Input.class),
                Arguments.of("Cleanup", CleanupHandler.Input.class),
                Arguments.of("CreateInterfaceEndpoint", CreateEndpointHandler.Input.class),
                Arguments.of("VerifyInterfaceEndpoint", VerifyInterfaceEndpointHandler.Input.class),
                Arguments.of("CleanupInterface", CleanupHandler.Input.class),
                Arguments.of("ReleaseInterfaceEndpoints", ReleaseHandler.Input.class),
                Arguments.of("ProbeInterfaceDataPath", DataPathProbeHandler.Input.class),
                Arguments.of("ReleaseEndpoints", ReleaseHandler.Input.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("taskInputs")
    void eachTaskSendsExactlyTheFieldsItsHandlerAccepts(String stateName, Class<? extends Record> input) {
        // the handlers reject unknown fields, and a field they expect but never get would silently be null
        assertEquals(recordFields(input), parameterKeys(stateName));
    }

    @Test
    void skipCleanupWritesTheSameShapeAsCleanup() throws Exception {
        assertEquals(jsonFields(CleanupResult.class), parameterKeys("SkipCleanup"));
        assertEquals(jsonFields(CleanupResult.class), parameterKeys("SkipInterfaceCleanup"));
        assertFalse(state("SkipCleanup").path("Parameters").path("cleanedUp").asBoolean(true));
    }

    @Test
    void theWaitLoopWaitsForTheStateTheStatusStepReports() {
        JsonNode availableChoice = state("IsEndpointAvailable").path("Choices").get(0);

        assertEquals("$.endpoint.state", availableChoice.path("Variable").asText());
        assertEquals(ServingState.AVAILABLE, availableChoice.path("StringEquals").asText());
    }

    @Test
    void everyErrorNameTheDefinitionUsesIsAWorkflowError() throws Exception {
        Matcher m = Pattern.compile("dev\\.vpcepilot\\.errors\\.([A-Za-z]+)").matcher(aslText);
        Set<String> names = new TreeSet<>();
        while (m.find()) {
            names.add(m.group());
        }
        // errors raised by Pass states are reported by their short name, which must be a real error too
        m = Pattern.compile("\"Error\"\\s*:\\s*\"([A-Za-z]+)\"").matcher(aslText);
        while (m.find()) {
            if (!m.group(1).equals("RollbackFailed")) {
                names.add(WorkflowError.ERROR_PACKAGE + "." + m.group(1));
            }
        }

        assertTrue(names.contains("dev.vpcepilot.errors.TransientAwsError"), names.toString());
        for (String name : names) {
            assertTrue(WorkflowError.class.isAssignableFrom(Class.forName(name)), name);
        }
    }

    @Test
    void onlyTransientErrorsAreRetriedByName() {
        asl.path("States").forEach(state -> state.path("Retry").forEach(retry -> retry.path("ErrorEquals")
                .forEach(error -> {
                    String name = error.asText();
                    assertTrue(name.equals("dev.vpcepilot.errors.TransientAwsError")
                                    || name.equals("dev.vpcepilot.errors.EndpointBusy") || name.startsWith("Lambda."),
                            "retried: " + name);
                })));
    }

    /**
     * Every Lambda Task retries what AWS recommends retrying: the Lambda service exceptions of the Step Functions
     * best practice "Handle Lambda service exceptions" (ClientExecutionTimeoutException, ServiceException,
     * AWSLambdaException, SdkClientException), throttling of invocations (TooManyRequestsException), and the
     * SnapStart restore errors of the Lambda guide "Troubleshooting SnapStart errors" that pass on their own
     * (SnapStartNotReadyException while the version becomes Active, SnapStartTimeoutException of a slow restore).
     */
    @Test
    void everyTaskRetriesTheLambdaServiceAndSnapStartErrorsAwsNames() {
        List<String> recommended = List.of("Lambda.ClientExecutionTimeoutException", "Lambda.ServiceException",
                "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException",
                "Lambda.SnapStartNotReadyException", "Lambda.SnapStartTimeoutException");
        asl.path("States").fields().forEachRemaining(entry -> {
            if (!"Task".equals(entry.getValue().path("Type").asText())) {
                return;
            }
            Set<String> retried = new TreeSet<>();
            entry.getValue().path("Retry").forEach(r -> r.path("ErrorEquals").forEach(e -> retried.add(e.asText())));
            assertTrue(retried.containsAll(recommended), entry.getKey() + " retries " + retried);
        });
    }

    /** The steps that take the VPC's lock retry EndpointBusy (another writer holds it); the others cannot raise it. */
    @Test
    void theStepsThatLockRetryEndpointBusy() {
        for (String name : List.of("CreateEndpoint", "VerifyEndpoint", "Cleanup", "ReleaseEndpoints", "HandleFailure",
                "CreateInterfaceEndpoint", "VerifyInterfaceEndpoint", "CleanupInterface", "ReleaseInterfaceEndpoints")) {
            Set<String> retried = new TreeSet<>();
            state(name).path("Retry").forEach(r -> r.path("ErrorEquals").forEach(e -> retried.add(e.asText())));
            assertTrue(retried.contains("dev.vpcepilot.errors.EndpointBusy"), name + " retries " + retried);
        }
    }
}
