package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.kit.CfnRequests;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.RunLocal.Run;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.moto.MotoServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The world the sharing scenarios of issue 10 play in, as platform teams meet it: moto_server with the AWS-faithful
 * patch (gateway routes, ClientToken idempotency, atomic conditional writes), VPCs with several route tables, the
 * real {@code ./run-local} as a subprocess per run, and the custom-resource hook (the CloudFormationHookHandler
 * with the real state machine, its answer PUT to a presigned S3 URL on the emulator and read back). Everything the
 * tests assert on is read from moto directly ({@link #ec2()}), never through the product.
 *
 * <p>The product under test is the project's own, or the one at {@code -Dvpcepilot.sharing.productRoot=DIR} (a
 * built checkout of another commit, e.g. one before issue 10): then the runs and the hook both go through that
 * checkout's {@code ./run-local} ({@code --cfn-event} for the hook), so the scenarios show what it did in the same
 * situations. (The marker scenarios of HookRulesTest need one Step Functions history across requests and always run
 * the project's own hook in-process.)
 */
final class SharingWorld {

    static final String REGION = "us-east-1";
    /** A ResponseURL that is not on loopback: ./run-local answers to a presigned URL on the emulator instead. */
    static final String CFN_RESPONSE_URL =
            "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/presigned-by-cloudformation";
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(150);
    private static final String PRODUCT_ROOT = "vpcepilot.sharing.productRoot";
    private static MotoEc2 ec2;
    private static URI ec2Endpoint;
    private static InProcessHook hook;
    private static int hookResets;

    private SharingWorld() {
    }

    /** The emulator every scenario shares ({@link Moto#shared()}, each in VPCs of its own), AWS-faithful. */
    static URI moto() {
        MotoServer moto = Moto.shared();
        assertTrue(moto.awsFaithful(), "the scenarios need aws_faithful_moto_server.py: a python3 on the PATH "
                + "that imports moto");
        return moto.endpoint();
    }

    /** EC2 and DynamoDB straight to the emulator: what the tests read is the truth. */
    static synchronized MotoEc2 ec2() {
        URI endpoint = moto();
        if (ec2 == null || !endpoint.equals(ec2Endpoint)) {
            ec2 = new MotoEc2(endpoint, REGION);
            ec2Endpoint = endpoint;
        }
        return ec2;
    }

    /** The checkout whose {@code ./run-local} runs the scenarios. */
    static Path productRoot() {
        String property = System.getProperty(PRODUCT_ROOT);
        return property == null || property.isBlank() ? TestProject.root()
                : Path.of(property).toAbsolutePath().normalize();
    }

    /** A VPC of its own on the shared emulator, with its main route table first and {@code extra} more. */
    static Vpc freshVpc(int extra) {
        return ec2().freshVpc(extra);
    }

    // ---- ./run-local

    /**
     * Starts {@code ./run-local --endpoint-url endpoint} of the {@link #productRoot product} with {@code arguments}
     * (an input or an event), the kit's environment and {@code env}.
     */
    static RunLocal.Started start(String what, URI endpoint, List<String> arguments, Map<String, String> env) {
        return RunLocal.script().root(productRoot()).named(what).endpoint(endpoint).region(REGION)
                .arguments(arguments).environment(env).timeout(RUN_TIMEOUT).start();
    }

    /** Starts a workflow run with this execution input. */
    static RunLocal.Started startRun(URI endpoint, String inputJson) {
        return start("./run-local --input-json " + inputJson, endpoint, List.of("--input-json", inputJson), Map.of());
    }

    static Run run(URI endpoint, String inputJson) {
        return startRun(endpoint, inputJson).await();
    }

    static Run run(String inputJson) {
        return run(moto(), inputJson);
    }

    // ---- the custom resource

    /** One {@code Custom::DynamoDbVpcEndpoint} of one stack. */
    record Stack(String stackId, String logicalId) {
        static Stack fresh(String name) {
            return new Stack("arn:aws:cloudformation:" + REGION + ":123456789012:stack/" + name + "/" + UUID.randomUUID(),
                    "DynamoDbEndpoint");
        }

        Stack withLogicalId(String otherLogicalId) {
            return new Stack(stackId, otherLogicalId);
        }

        ObjectNode create(Map<String, ?> properties) {
            return event("Create", null, properties, null);
        }

        ObjectNode update(String physicalId, Map<String, ?> properties, Map<String, ?> oldProperties) {
            return event("Update", physicalId, properties, oldProperties);
        }

        ObjectNode delete(String physicalId, Map<String, ?> properties) {
            return event("Delete", physicalId, properties, null);
        }

        private ObjectNode event(String type, String physicalId, Map<String, ?> properties, Map<String, ?> old) {
            ObjectNode event = CfnRequests.HOOK.json(type, stackId, physicalId, properties, CFN_RESPONSE_URL);
            event.put("LogicalResourceId", logicalId);
            if (old != null) {
                ObjectNode oldProps = event.putObject("OldResourceProperties");
                oldProps.put("ServiceToken", CfnRequests.SERVICE_TOKEN);
                old.forEach((key, value) -> oldProps.set(key, dev.vpcepilot.json.Json.MAPPER.valueToTree(value)));
            }
            return event;
        }
    }

    /** Starts {@code ./run-local --cfn-event} for the event: the hook, the workflow, the answer's PUT. */
    static RunLocal.Started startHook(URI endpoint, ObjectNode event) {
        try {
            Path file = Files.createTempFile("sharing-cfn-", ".json");
            file.toFile().deleteOnExit();
            Files.write(file, CfnRequests.bytes(event));
            return start(event.path("RequestType").asText() + " of " + event.path("LogicalResourceId").asText() + " ("
                    + event.path("StackId").asText() + ", physical id " + event.path("PhysicalResourceId").asText(null)
                    + ", properties " + event.path("ResourceProperties") + ")", endpoint,
                    List.of("--cfn-event", file.toString()), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The hook's answer to CloudFormation for the event, as read back from the presigned URL: through {@code
     * ./run-local --cfn-event} when the product under test is another checkout, else in this JVM
     * ({@link InProcessHook}: the same handler and workflow without a JVM start per request).
     */
    static Run hook(URI endpoint, ObjectNode event) {
        if (System.getProperty(PRODUCT_ROOT) != null) {
            return startHook(endpoint, event).await();
        }
        try (InProcessHook inProcess = new InProcessHook(endpoint)) {
            return inProcess.send(event);
        }
    }

    static synchronized Run hook(ObjectNode event) {
        if (System.getProperty(PRODUCT_ROOT) != null) {
            return startHook(moto(), event).await();
        }
        if (hook == null || hookResets != Moto.resets()) {
            // the emulator was emptied since (another class took it fresh): the hook's tables are gone
            if (hook != null) {
                hook.close();
            }
            hook = new InProcessHook(moto());
            hookResets = Moto.resets();
        }
        return hook.send(event);
    }

    /** Asserts that the hook answered SUCCESS; returns its physical id. */
    static String succeeded(Run answer) {
        assertTrue(answer.succeeded() && "SUCCESS".equals(answer.doc().path("Status").asText()), answer.toString());
        return answer.doc().path("PhysicalResourceId").asText();
    }
}
