package dev.vpcepilot.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.hook.CustomResourceRequest;
import dev.vpcepilot.hook.EndpointHook;
import dev.vpcepilot.hook.HookAnswer;
import dev.vpcepilot.kit.CfnRequests;
import dev.vpcepilot.kit.Emulator;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.local.cfn.LocalWorkflowRunner;
import dev.vpcepilot.sharing.Ownership;
import dev.vpcepilot.testkit.faults.FaultKind;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.FaultRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The real workflow, in-process, with the fault proxy between its SDK clients and moto_server: throttling, HTTP
 * 500s and dropped connections. What the workflow leaves behind is always read from moto directly (never through
 * the proxy): a failed execution leaves no endpoint it created, a successful one leaves exactly one.
 *
 * <p>Retry intervals of the state machine are not waited for here (time scale 0); the SDK's own backoff is real.
 */
@Reliability
class FaultInjectionTest {

    /** The error names of the contract (README, "Errors"). */
    static final Set<String> NAMED_ERRORS = Set.of("InvalidInput", "VpcNotFound", "NoDefaultVpc", "RouteTableNotFound",
            "ServiceNotAvailable", "EndpointNotAvailable", "VerificationFailed", "AwsRequestFailed",
            "TransientAwsError", "RollbackFailed");
    private static final String TRANSIENT = "dev.vpcepilot.errors.TransientAwsError";

    private FaultProxy proxy;
    private LocalWorkflow workflow;
    private String vpc;

    @BeforeEach
    void setUp() throws IOException {
        proxy = FaultProxy.start(Emulator.moto());
        workflow = Emulator.workflow(proxy.endpoint()).build();
        vpc = Emulator.freshVpc();
    }

    @AfterEach
    void tearDown() {
        workflow.close();
        proxy.close();
    }

    @Test
    void everyThirdCallThrottledSucceedsWithExactlyOneEndpoint() {
        proxy.addRule(FaultRule.throttleEvery(3));

        ExecutionResult result = run("{\"vpcId\":\"" + vpc + "\"}");

        Emulator.assertSucceeded(result);
        assertTrue(proxy.faultsInjected(FaultKind.THROTTLE) >= 3, "throttles were injected: " + proxy.countsJson());
        assertExactlyTheReportedEndpointIsLive(result);
    }

    @Test
    void firstSixCallsOfEveryActionThrottledSucceedThroughTheStateMachinesRetry() {
        proxy.addRule(FaultRule.throttleFirst(6));

        ExecutionResult result = run("{\"vpcId\":\"" + vpc + "\"}");

        Emulator.assertSucceeded(result);
        // 3 SDK attempts per invocation: the first two invocations of each step run out, the state machine retries.
        List<ProgressEvent.TaskRetried> retries = result.events(ProgressEvent.TaskRetried.class);
        assertFalse(retries.isEmpty(), "the state machine's Retry carried it");
        assertTrue(retries.stream().allMatch(r -> r.error().equals(TRANSIENT)), retries::toString);
        assertTrue(retries.stream().anyMatch(r -> r.stateName().equals("CreateEndpoint")), retries::toString);
        // every throttled create was refused before it reached moto; the 7th went through, once
        assertEquals(7, proxy.count("ec2:CreateVpcEndpoint"), proxy.countsJson());
        assertEquals(assertExactlyTheReportedEndpointIsLive(result), result.output().path("vpcEndpointId").asText());
        assertTrue(result.output().path("created").asBoolean());
    }

    /**
     * Issue 9, item 8: EC2's eventual consistency (EC2 API reference, "Eventual consistency in the Amazon EC2 API").
     * An execution creates the endpoint (it names its id in no later call: tagged at creation, read by VPC); a
     * second one a moment later adds a route table to it, and EC2 answers {@code InvalidVpcEndpointId.NotFound} to
     * the first {@code n} calls naming the id, as it may for a fresh id. The workflow takes that as "not visible yet"
     * (tried again in the step, then EndpointBusy for the state machine's Retry: 7 is more than one step's tries),
     * never as EndpointNotAvailable or a second endpoint, and the one endpoint serves both route tables.
     */
    @ParameterizedTest(name = "the first {0} calls naming the new endpoint answer InvalidVpcEndpointId.NotFound")
    @ValueSource(ints = {2, 7})
    void anEndpointEc2DoesNotKnowYetRightAfterItsCreateIsWaitedFor(int notFound) {
        proxy.addRule(FaultRule.endpointNotFoundFirst(notFound));
        String main = Emulator.routeTables(vpc).get(0);
        String extra;
        try (MotoEc2 direct = new MotoEc2(Emulator.moto(), Emulator.REGION)) {
            extra = direct.createRouteTable(vpc);
        }

        ExecutionResult created = run("{\"vpcId\":\"" + vpc + "\",\"routeTableIds\":[\"" + main + "\"]}");
        Emulator.assertSucceeded(created);
        String id = created.output().path("vpcEndpointId").asText();
        ExecutionResult extended = run("{\"vpcId\":\"" + vpc + "\",\"routeTableIds\":[\"" + main + "\",\""
                + extra + "\"]}");

        Emulator.assertSucceeded(extended);
        assertEquals(notFound, proxy.faultsInjected(FaultKind.NOT_FOUND), proxy.countsJson());
        assertEquals(id, extended.output().path("vpcEndpointId").asText(), extended.output().toString());
        assertEquals(1, proxy.count("ec2:CreateVpcEndpoint"), "no second endpoint for one not visible yet: "
                + proxy.countsJson());
        List<ProgressEvent.TaskRetried> retries = extended.events(ProgressEvent.TaskRetried.class);
        assertTrue(retries.stream().noneMatch(r -> r.error().endsWith("EndpointNotAvailable")), retries::toString);
        if (notFound > 5) {
            assertTrue(retries.stream().anyMatch(r -> r.error().equals("dev.vpcepilot.errors.EndpointBusy")),
                    "past the step's own tries, the state machine's Retry: " + retries);
        }
        assertEquals(List.of(id), Emulator.liveEndpoints(vpc).stream().map(VpcEndpoint::vpcEndpointId).toList());
        assertEquals(id, Emulator.prefixListTargets(vpc).get(main));
        assertEquals(id, Emulator.prefixListTargets(vpc).get(extra));
    }

    static Stream<Arguments> intermittentFaults() {
        // Every 2nd call at most: a call never fails three times in a row, so the SDK's 3 attempts always get through.
        return Stream.of(
                Arguments.of("HTTP 500 on every 2nd call", FaultRule.errorEvery(2), FaultKind.ERROR),
                Arguments.of("HTTP 500 on every 4th call", FaultRule.errorEvery(4), FaultKind.ERROR),
                Arguments.of("connection dropped on every 2nd call", FaultRule.dropEvery(2), FaultKind.DROP),
                Arguments.of("connection dropped on every 5th call", FaultRule.dropEvery(5), FaultKind.DROP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("intermittentFaults")
    void intermittentServerErrorsAndDroppedConnectionsAreAbsorbed(String what, FaultRule rule, FaultKind kind) {
        proxy.addRule(rule);

        ExecutionResult result = run("{\"vpcId\":\"" + vpc + "\", \"cleanup\": false}");

        assertSucceededOrFailedCleanly(result);
        Emulator.assertSucceeded(result);
        assertTrue(proxy.faultsInjected(kind) >= 1, what + " was injected: " + proxy.countsJson());
        assertExactlyTheReportedEndpointIsLive(result);
    }

    static Stream<Arguments> faultStorms() {
        return Stream.of(
                // DynamoDB is asked before anything is written (rule 17): nothing is created
                Arguments.of("every ListTables answers HTTP 500", FaultRule.errorShare(1.0).only("dynamodb:ListTables"),
                        false),
                // the lock table cannot be reached: nothing is decided, so nothing is created
                Arguments.of("every DynamoDB call answers HTTP 500", FaultRule.errorShare(1.0).only("dynamodb:"),
                        false),
                Arguments.of("every ListTables connection dropped", FaultRule.dropEvery(1).only("dynamodb:ListTables"),
                        false),
                // before: nothing may be created at all
                Arguments.of("every CreateVpcEndpoint connection dropped",
                        FaultRule.dropEvery(1).only("ec2:CreateVpcEndpoint"), false),
                Arguments.of("every DescribeRouteTables answers HTTP 500",
                        FaultRule.errorShare(1.0).only("ec2:DescribeRouteTables"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faultStorms")
    void aFaultThatOutlastsEveryRetryFailsAsTransientAwsErrorAndLeavesNothing(String what, FaultRule rule,
                                                                              boolean createdFirst) {
        proxy.addRule(rule);

        ExecutionResult result = run("{\"vpcId\":\"" + vpc + "\"}");

        assertSucceededOrFailedCleanly(result);
        assertEquals(ExecutionResult.Status.FAILED, result.status());
        assertEquals("TransientAwsError", result.error(), result.cause());
        List<ProgressEvent.TaskRetried> retried = result.events(ProgressEvent.TaskRetried.class);
        String failingStep = retried.get(retried.size() - 1).stateName();
        assertEquals(transientRetries(failingStep), retried.size(),
                "the failing step was retried MaxAttempts times: " + result.events());
        if (createdFirst) {
            assertTrue(result.cause().contains("Rolled back vpce-"), result.cause());
            assertTrue(proxy.count("ec2:DeleteVpcEndpoints") >= 1, proxy.countsJson());
        } else {
            for (String write : List.of("ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint", "ec2:CreateTags")) {
                assertEquals(0, proxy.count(write), write + ": " + proxy.countsJson());
            }
        }
        assertEquals(List.of(), Emulator.liveEndpoints(vpc), "nothing is left in the VPC");
    }

    @Test
    void aRollbackThatCannotDeleteFailsAsRollbackFailedAndTheEndpointCarriesTheExecutionToFindIt() {
        proxy.reportEndpointsAs("failed"); // created pending, then failed: the run fails after the endpoint exists
        proxy.addRule(FaultRule.errorShare(1.0).only("ec2:DeleteVpcEndpoints"));

        ExecutionResult result = run("{\"vpcId\":\"" + vpc + "\"}");

        assertEquals("RollbackFailed", result.error(), result.cause());
        assertTrue(result.cause().contains(Ownership.EXECUTION_KEY), result.cause());
        assertNoStackTrace(result.cause());
        // the one endpoint left is exactly the one the cause tells a person to look for
        List<VpcEndpoint> left = Emulator.liveEndpointsCreatedBy(result.executionArn());
        assertEquals(1, left.size(), left::toString);
        assertEquals(Emulator.liveEndpoints(vpc).stream().map(VpcEndpoint::vpcEndpointId).toList(),
                List.of(left.get(0).vpcEndpointId()));
        Emulator.ec2().deleteVpcEndpoints(r -> r.vpcEndpointIds(left.get(0).vpcEndpointId()));
    }

    /**
     * A transient error right after CreateVpcEndpoint (the lock table refuses the write that records the endpoint
     * and releases the lock) makes the state machine run CreateEndpoint again, which finds the endpoint this very
     * execution created but never recorded. It must still count as created, and as held by the stack: so the
     * stack's claim keeps it and the stack's Delete removes it.
     */
    @Test
    void anEndpointFoundAgainAfterARetriedCreateIsStillCreatedAndTheStacksDeleteRemovesIt() {
        FaultRule describeStorm = FaultRule.errorShare(1.0).only("dynamodb:UpdateItem");
        AtomicBoolean armed = new AtomicBoolean();
        try (LocalWorkflow faulty = Emulator.workflow(proxy.endpoint())
                .functionLog(line -> {
                    if (line.contains("Created vpce-") && armed.compareAndSet(false, true)) {
                        proxy.addRule(describeStorm); // from the release that would record it on
                    }
                })
                .listener(event -> {
                    if (event instanceof ProgressEvent.TaskRetried retried
                            && retried.stateName().equals("CreateEndpoint")) {
                        proxy.removeRule(describeStorm);
                    }
                })
                .build();
             LocalWorkflowRunner runner = new LocalWorkflowRunner(faulty)) {
            EndpointHook hook = Emulator.hook(runner, line -> { });
            String stack = "arn:aws:cloudformation:us-east-1:123456789012:stack/consumer/" + UUID.randomUUID();
            HookAnswer created = hook.handle(event("Create", stack, null, Map.of("VpcId", vpc)),
                    Duration.ofSeconds(60));

            assertTrue(armed.get(), "the fault fired after the create");
            assertTrue(created.success(), created.reason());
            String endpoint = created.physicalResourceId();
            assertEquals("true", created.data().get("Created"), "this request created " + endpoint + ": "
                    + created.data());
            assertEquals(List.of(endpoint), Emulator.liveEndpoints(vpc).stream().map(VpcEndpoint::vpcEndpointId)
                    .toList());

            HookAnswer deleted = hook.handle(event("Delete", stack, endpoint, Map.of("VpcId", vpc)),
                    Duration.ofSeconds(60));

            assertTrue(deleted.success(), deleted.reason());
            assertEquals(List.of(), Emulator.liveEndpoints(vpc), "the stack's Delete removed what its Create made: "
                    + deleted.reason());
        }
    }

    // ---- helpers ----

    private ExecutionResult run(String input) {
        return workflow.run(TestProject.json(input));
    }

    static CustomResourceRequest event(String type, String stackId, String physicalId,
                                       Map<String, Object> properties) {
        return CfnRequests.HOOK.request(type, stackId, physicalId, properties);
    }

    /** Success, or a failure with one of the contract's error names and a readable cause; never a leak. */
    static void assertSucceededOrFailedCleanly(ExecutionResult result) {
        if (result.succeeded()) {
            return;
        }
        assertTrue(NAMED_ERRORS.contains(result.error()), "a named error: " + result.error());
        assertNotNull(result.cause());
        assertFalse(result.cause().isBlank());
        assertNoStackTrace(result.cause());
        assertEquals(List.of(), Emulator.liveEndpointsCreatedBy(result.executionArn()),
                "a failed execution leaves no endpoint it created");
    }

    /**
     * No stack trace: no frame, no Lambda error document. (A transient failure's cause may name the SDK's exception
     * class in its sentence, e.g. "SdkClientException: Unable to execute HTTP request"; the input errors may not,
     * see {@link BadInputTest}.)
     */
    static void assertNoStackTrace(String cause) {
        for (String marker : List.of("\tat ", "stackTrace", "errorMessage", "at dev.vpcepilot.", "at software.amazon.",
                "at java.")) {
            assertFalse(cause.contains(marker), "no stack trace (" + marker.trim() + ") in: " + cause);
        }
    }

    /** The endpoint the execution reports is the one live endpoint of its VPC (read from moto directly). */
    private String assertExactlyTheReportedEndpointIsLive(ExecutionResult result) {
        String reported = result.output().path("vpcEndpointId").asText();
        assertEquals(List.of(reported), Emulator.liveEndpoints(vpc).stream().map(VpcEndpoint::vpcEndpointId).toList());
        assertEquals(reported, Emulator.prefixListTargets(vpc).get(Emulator.routeTables(vpc).get(0)));
        return reported;
    }

    /** MaxAttempts of the state's Retry on TransientAwsError, as the state machine definition sets it. */
    private static int transientRetries(String state) {
        try {
            JsonNode definition = TestProject.json(Files.readString(
                    TestProject.root().resolve("statemachine/vpc-endpoint.asl.json")));
            for (JsonNode retry : definition.path("States").path(state).path("Retry")) {
                for (JsonNode error : retry.path("ErrorEquals")) {
                    if (error.asText().equals("dev.vpcepilot.errors.TransientAwsError")) {
                        return retry.path("MaxAttempts").asInt();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError(state + " does not retry TransientAwsError");
    }
}
