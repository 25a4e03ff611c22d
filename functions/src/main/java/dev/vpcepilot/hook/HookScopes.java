package dev.vpcepilot.hook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.service.VpcResolver;
import dev.vpcepilot.sharing.EndpointType;
import dev.vpcepilot.sharing.Scope;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.arns.Arn;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The scopes (VPC locks and claims, one per endpoint type: rule 4) the hook acts on, in the account and region of an
 * ARN that Step Functions gave: an execution's own ({@code $$.Execution.Id}: StartExecution's or DescribeExecution's
 * answer), which is where that execution locked and claimed; for a Delete, which runs no execution, the state
 * machine's, whose executions made the claims.
 */
final class HookScopes {

    private final Ec2Client ec2;
    private final WorkflowRunner workflow;

    HookScopes(Ec2Client ec2, WorkflowRunner workflow) {
        this.ec2 = ec2;
        this.workflow = workflow;
    }

    /** What a successful execution served: its output's VPC, service and endpoint type, in its account and region. */
    static Scope ofOutput(String executionArn, ServedResource output) {
        return Scope.of(executionArn, output.vpcId(), output.serviceName()).withType(output.type());
    }

    /**
     * The scope an execution's input names, in that execution's account and region: its VPC (or the region's
     * default VPC), service and endpoint type (Gateway unless it says {@code Interface}); empty when it names no VPC
     * and the region has no default VPC.
     */
    Optional<Scope> ofInput(String executionArn, JsonNode input) {
        return of(() -> executionArn, input);
    }

    /** The scope a Delete's properties name (as {@link #ofInput}), in the state machine's account and region. */
    Optional<Scope> ofProperties(JsonNode properties) {
        return of(workflow::stateMachineArn, properties);
    }

    /**
     * The scope an endpoint serves (its VPC, service and type as EC2 shows them), in the state machine's account
     * and region.
     */
    Scope ofEndpoint(VpcEndpoint endpoint) {
        return Scope.of(workflow.stateMachineArn(), endpoint.vpcId(), endpoint.serviceName())
                .withType(typeOf(endpoint.vpcEndpointTypeAsString()));
    }

    private Optional<Scope> of(Supplier<String> arn, JsonNode input) {
        String vpcId = input.path("vpcId").isTextual() ? input.get("vpcId").asText()
                : new VpcResolver(ec2).defaultVpcId().orElse(null);
        if (vpcId == null) {
            return Optional.empty();
        }
        String home = arn.get();
        String service = input.path("serviceName").isTextual() ? input.get("serviceName").asText()
                : InputValidator.defaultServiceName(Arn.fromString(home).region().orElse(""));
        return Optional.of(Scope.of(home, vpcId, service).withType(typeOf(input.path("endpointType").asText(null))));
    }

    /** The type EC2 or an input names, Gateway when it names none (as the input's default). */
    private static EndpointType typeOf(String name) {
        return EndpointType.ofAwsName(name).orElse(EndpointType.GATEWAY);
    }
}
