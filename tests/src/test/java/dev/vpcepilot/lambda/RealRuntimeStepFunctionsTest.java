package dev.vpcepilot.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.LambdaRuntime;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.runtime.EnvironmentStart;
import dev.vpcepilot.local.runtime.InvocationResult;
import dev.vpcepilot.local.template.FunctionDirectory;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.local.template.SamTemplate;
import dev.vpcepilot.testkit.faults.FaultRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every step function of template.yaml under the real Lambda Java runtime: built alone the SAM way, started by the
 * runtime interface client (SnapStart's hooks included), fed by the state machine's own data flow (the real
 * definition, run by the local interpreter with every Task invoking these environments), and failing with the error
 * names the definition's Retry and Catch match, posted by the runtime as {@code errorType}.
 */
@org.junit.jupiter.api.extension.ExtendWith(RealRuntime.StopAfterClass.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@LambdaRuntime
class RealRuntimeStepFunctionsTest {

    private static final String ERRORS = "dev.vpcepilot.errors.";

    private static RealRuntime runtime;
    private static MotoEc2 aws;
    private static ExecutionResult created;
    private static ExecutionResult cleanedUp;
    private static ExecutionResult failed;
    private static ExecutionResult released;
    private static ExecutionResult interfaceServed;
    private static ExecutionResult fleetApplied;
    private static ExecutionResult fleetRefused;
    /** What each function received and answered in those executions. */
    private static final List<RealRuntime.Invocation> flow = new ArrayList<>();

    @BeforeAll
    static void runTheStateMachineThroughTheRealRuntime() {
        runtime = RealRuntime.fresh();
        aws = new MotoEc2(runtime.moto.endpoint(), RealRuntime.REGION);
        int from = runtime.invocations.size();
        created = runtime.workflow.run(TestProject.json("{}"));
        String otherVpc = aws.createVpc("10.77.0.0/16");
        cleanedUp = runtime.workflow.run(TestProject.json("{\"vpcId\": \"" + otherVpc + "\", \"cleanup\": true}"));
        failed = runtime.workflow.run(TestProject.json("{\"vpcId\": \"vpc-0123456789abcdef0\"}"));
        released = runtime.workflow.run(TestProject.json("{\"vpcId\": \"" + otherVpc + "\", \"release\": true}"));
        fleetApplied = runtime.fleet.run(TestProject.json("{\"accounts\": [\"123456789012\", \"111111111111\"], "
                + "\"regions\": [\"us-east-1\", \"eu-west-1\"], \"mode\": \"apply\"}"));
        fleetRefused = runtime.fleet.run(TestProject.json("{\"mode\": \"repair\"}"));
        // (After the fleet's, which would serve this VPC with a gateway endpoint too)
        String interfaceVpc = aws.createVpc("10.78.0.0/16");
        aws.createSubnet(interfaceVpc, "10.78.1.0/24", "us-east-1a");
        interfaceServed = runtime.workflow.run(TestProject.json("{\"vpcId\": \"" + interfaceVpc
                + "\", \"endpointType\": \"Interface\"}"));
        synchronized (runtime.invocations) {
            flow.addAll(runtime.invocations.subList(from, runtime.invocations.size()));
        }
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    @AfterEach
    void noFaults() {
        runtime.proxy.clearRules();
    }

    /** The step functions of the template: every function but the custom-resource hook. */
    static Stream<String> stepFunctions() {
        return FunctionDirectory.of(SamTemplate.load(TestProject.root().resolve("template.yaml")),
                RealRuntime.REGION).functions().stream().map(LocalFunction::logicalId)
                .filter(id -> !id.equals(RealRuntime.HOOK));
    }

    private static RealRuntime.Invocation firstSuccessful(String logicalId) {
        return flow.stream().filter(i -> i.functionLogicalId().equals(logicalId) && i.result().succeeded())
                .findFirst().orElse(null);
    }

    @Test
    @Order(1)
    void theStateMachineRunsWithEveryTaskInTheRealRuntime() {
        assertTrue(created.succeeded(), () -> created.document() + "\n" + runtime.logTail());
        assertTrue(created.output().path("created").asBoolean(), created.output().toString());
        assertTrue(created.output().path("verification").path("routesOk").asBoolean());
        assertTrue(cleanedUp.succeeded(), () -> cleanedUp.document() + "\n" + runtime.logTail());
        assertTrue(cleanedUp.output().path("cleanedUp").asBoolean(), cleanedUp.output().toString());
        assertFalse(failed.succeeded());
        assertEquals("VpcNotFound", failed.error(), failed.document().toString());
        Set<String> ran = flow.stream().map(RealRuntime.Invocation::functionLogicalId)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(released.succeeded(), () -> released.document() + "\n" + runtime.logTail());
        assertTrue(interfaceServed.succeeded(), () -> interfaceServed.document() + "\n" + runtime.logTail());
        assertEquals("Interface", interfaceServed.output().path("endpointType").asText());
        assertTrue(fleetApplied.succeeded(), () -> fleetApplied.document() + "\n" + runtime.logTail());
        assertEquals(4, fleetApplied.output().path("summary").path("created").asInt(), fleetApplied.document()
                .toString());
        assertEquals("InvalidInput", fleetRefused.error(), fleetRefused.document().toString());
        assertEquals(new TreeSet<>(Set.of("CheckServiceAvailabilityFunction", "ResolveVpcFunction",
                "CreateEndpointFunction", "VerifyEndpointFunction", "VerifyInterfaceEndpointFunction",
                "CleanupFunction", "RollbackFunction", "ReleaseFunction", "FleetPlanFunction", "FleetSurveyFunction",
                "FleetApplyFunction", "FleetCommitFunction", "FleetReportFunction", "DescribeFailureFunction")), ran);
        List<RealRuntime.Invocation> failures = flow.stream().filter(i -> !i.result().succeeded()).toList();
        assertEquals(2, failures.size(), failures.toString());
        assertEquals("ResolveVpcFunction", failures.get(0).functionLogicalId());
        assertEquals(ERRORS + "VpcNotFound", failures.get(0).result().errorType());
        assertEquals("FleetPlanFunction", failures.get(1).functionLogicalId());
        assertEquals(ERRORS + "InvalidInput", failures.get(1).result().errorType());
    }

    /**
     * Each function once more with what the state machine handed it (GetEndpointStatus, which the wait loop runs only
     * for a pending endpoint, with what CreateEndpoint answered: the wait loop's input). It initialised (SnapStart's
     * beforeCheckpoint ran, the runtime asked for its restore and then for events) and answers JSON.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("stepFunctions")
    @Order(2)
    void everyStepFunctionInitialisesAndAnswersARealisticInput(String logicalId) {
        String payload;
        if (logicalId.equals("GetEndpointStatusFunction")) {
            payload = firstSuccessful("CreateEndpointFunction").result().payloadText();
        } else {
            RealRuntime.Invocation recorded = firstSuccessful(logicalId);
            assertNotNull(recorded, logicalId + " ran in none of the executions");
            payload = recorded.payload();
        }
        InvocationResult result = runtime.invoke(logicalId, payload);

        assertTrue(result.succeeded(), () -> result.errorDocument() + "\n" + runtime.logTail());
        JsonNode answer = TestProject.json(result.payloadText());
        assertTrue(answer.isObject(), answer.toString());
        if (logicalId.equals("GetEndpointStatusFunction")) {
            assertEquals(TestProject.json(payload).path("waitAttempts").asInt() + 1, answer.path("waitAttempts").asInt());
            assertEquals("available", answer.path("state").asText());
        }
        String name = runtime.function(logicalId).functionName();
        EnvironmentStart start = runtime.lambda.starts().stream()
                .filter(s -> s.functionName().equals(name)).findFirst().orElseThrow();
        assertEquals("snap-start", start.initializationType(), "SnapStart on the published version");
        assertNotNull(start.beforeCheckpoint(), "the SnapStart hooks ran and the runtime asked for its restore");
        assertTrue(start.initialised().compareTo(start.beforeCheckpoint()) >= 0);
        synchronized (runtime.log) {
            assertTrue(runtime.log.stream().noneMatch(l -> l.startsWith("[" + name + "]")
                    && l.contains("Priming step skipped")), "every priming step ran in the real runtime");
        }
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("CheckServiceAvailabilityFunction", "{\"vpcId\": 42}", null, "InvalidInput"),
                Arguments.of("CheckServiceAvailabilityFunction", "{}", "ec2:DescribeVpcEndpointServices",
                        "TransientAwsError"),
                Arguments.of("ResolveVpcFunction", "{\"vpcId\": \"vpc-0123456789abcdef0\", \"routeTableIds\": null}",
                        null, "VpcNotFound"),
                Arguments.of("CreateEndpointFunction", "create:vpc-0123456789abcdef0", null, "AwsRequestFailed"),
                Arguments.of("GetEndpointStatusFunction", "status:vpce-0123456789abcdef0", null,
                        "EndpointNotAvailable"),
                Arguments.of("VerifyEndpointFunction", "verify:without-routes", null, "VerificationFailed"),
                Arguments.of("CleanupFunction", "{\"vpcEndpointId\": \"rtb-0123456789abcdef0\"}", null,
                        "InvalidInput"),
                Arguments.of("RollbackFunction", "rollback", "ec2:DescribeVpcEndpoints", "TransientAwsError"),
                Arguments.of("ReleaseFunction", "release", "dynamodb:", "TransientAwsError"),
                Arguments.of("FleetPlanFunction", "fleet-plan:{\"accounts\": [\"12\"]}", null, "InvalidInput"),
                Arguments.of("FleetSurveyFunction", "fleet-survey", "sts:AssumeRole", "TargetUnreachable"),
                Arguments.of("FleetApplyFunction", "fleet-apply", "sts:AssumeRole", "TransientAwsError"),
                Arguments.of("FleetCommitFunction", "fleet-commit", "sts:AssumeRole", "TransientAwsError"),
                Arguments.of("FleetReportFunction", "fleet-report", "other:GET", "TransientAwsError"),
                Arguments.of("DescribeFailureFunction", "{\"Error\": \"States.ALL\"}", null, "InvalidInput"));
    }

    /**
     * The error the runtime posts is {@code dev.vpcepilot.errors.<Name>}, which the definition's Retry
     * ({@code TransientAwsError}) and Catch match and HandleFailure shortens; a sentence without stack frames.
     */
    @ParameterizedTest(name = "{0} -> {3} ({1})")
    @MethodSource("failures")
    @Order(3)
    void failuresPostTheErrorTypeTheStateMachineMatches(String logicalId, String input, String faultyAction,
                                                       String error) {
        String payload = payload(input);
        if (faultyAction != null) {
            runtime.proxy.addRule(logicalId.equals("FleetSurveyFunction") ? FaultRule.denyAssumeRole("111111111111")
                    : FaultRule.errorEvery(1).only(faultyAction));
        }
        InvocationResult result = runtime.invoke(logicalId, payload);

        assertFalse(result.succeeded(), () -> logicalId + " answered " + result.payloadText());
        assertEquals(ERRORS + error, result.errorType(), result.errorDocument());
        assertFalse(result.errorMessage().isBlank());
        RealRuntime.assertNoStackFrame(result);
        JsonNode stackTrace = result.errorJson().path("stackTrace");
        assertTrue(stackTrace.isMissingNode() || stackTrace.isEmpty(), "an expected error carries no stack: "
                + result.errorDocument());
        assertTrue(runtime.lambda.starts().stream().anyMatch(s -> s.functionName()
                .equals(runtime.function(logicalId).functionName())));
    }

    /** The inputs of the failure cases that come from the executions above. */
    private static String payload(String input) {
        if (input.startsWith("{")) {
            return input;
        }
        JsonNode create = TestProject.json(firstSuccessful("CreateEndpointFunction").payload());
        JsonNode endpoint = TestProject.json(firstSuccessful("CreateEndpointFunction").result().payloadText());
        JsonNode verify = TestProject.json(firstSuccessful("VerifyEndpointFunction").payload());
        switch (input.substring(0, input.indexOf(':') < 0 ? input.length() : input.indexOf(':'))) {
            case "create" -> {
                ObjectNode elsewhere = create.deepCopy();
                elsewhere.put("vpcId", input.substring("create:".length()));
                elsewhere.putArray("routeTableIds").add("rtb-0123456789abcdef0");
                return JsonText.compact(elsewhere);
            }
            case "status" -> {
                // An endpoint EC2 does not know, created long ago: past the grace of its eventual consistency.
                ObjectNode gone = endpoint.deepCopy();
                String id = input.substring("status:".length());
                gone.put("vpcEndpointId", id);
                for (JsonNode serving : gone.withArray("endpoints")) {
                    ((ObjectNode) serving).put("vpcEndpointId", id).put("createdAt", "2020-01-01T00:00:00Z");
                }
                return JsonText.compact(gone);
            }
            case "verify" -> {
                for (JsonNode table : verify.path("routeTableIds")) {
                    aws.deletePrefixListRoutes(table.asText());
                }
                // as after a wait: nothing proved by the create step (rule 17), so the verification commits itself
                ObjectNode afterAWait = verify.deepCopy();
                afterAWait.putNull("verified");
                return JsonText.compact(afterAWait);
            }
            case "release" -> {
                return firstSuccessful("ReleaseFunction").payload();
            }
            case "fleet-plan" -> {
                ObjectNode plan = TestProject.json(firstSuccessful("FleetPlanFunction").payload()).deepCopy();
                plan.set("input", TestProject.json(input.substring("fleet-plan:".length())));
                return JsonText.compact(plan);
            }
            case "fleet-report" -> {
                return firstSuccessful("FleetReportFunction").payload();
            }
            case "fleet-survey", "fleet-apply", "fleet-commit" -> {
                // A target of the other account: its role is assumed first.
                String function = switch (input) {
                    case "fleet-survey" -> "FleetSurveyFunction";
                    case "fleet-apply" -> "FleetApplyFunction";
                    default -> "FleetCommitFunction";
                };
                return flow.stream().filter(i -> i.functionLogicalId().equals(function) && i.result().succeeded()
                        && i.payload().contains("111111111111")).findFirst().orElseThrow().payload();
            }
            case "rollback" -> {
                ObjectNode state = JsonText.MAPPER.createObjectNode();
                state.put("execution", create.path("executionId").asText());
                state.putObject("request").put("serviceName", create.path("serviceName").asText());
                state.putObject("vpc").put("vpcId", create.path("vpcId").asText());
                state.putObject("error").put("Error", ERRORS + "VerificationFailed").put("Cause",
                        "{\"errorMessage\":\"The endpoint's routes are not in place.\",\"errorType\":\""
                                + ERRORS + "VerificationFailed\"}");
                return JsonText.compact(state);
            }
            default -> throw new IllegalArgumentException(input);
        }
    }
}
