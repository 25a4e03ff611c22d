package dev.vpcepilot.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.ProbeResult;
import dev.vpcepilot.handlers.FunctionSettings;
import dev.vpcepilot.service.VpcResolver;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;

/**
 * {@code ./run-local --probe}: the template's probe inside the VPC ({@value #FUNCTION}) as if it were deployed in
 * the execution's VPC (the input's {@code vpcId}, else the region's default VPC, as {@code ResolveVpc} finds it):
 * the parameters {@code ProbeVpcId} and {@code ProbeSubnetIds} that deploy it there, and its
 * {@value FunctionSettings#PROBE_PLACEMENT} set to {@code local}, since a function of the local runner is attached to
 * no network: its answer proves nothing about the VPC's path to DynamoDB.
 *
 * @param vpcId     the execution's VPC
 * @param subnetIds its subnets (the probe's {@code VpcConfig}, which nothing local reads)
 */
record LocalProbe(String vpcId, List<String> subnetIds) {

    static final String FUNCTION = "DataPathProbeFunction";

    /** The execution's VPC and its subnets; empty when the input names no VPC that exists and there is no default. */
    static Optional<LocalProbe> forExecution(JsonNode input, URI endpoint, String region) {
        try (AwsClients clients = AwsClients.forEndpoint(region, endpoint)) {
            JsonNode given = input.path("vpcId");
            Optional<String> vpcId = given.isTextual()
                    ? clients.ec2().describeVpcs(r -> r.filters(filter("vpc-id", given.asText()))).vpcs().stream()
                            .findFirst().map(vpc -> vpc.vpcId())
                    : new VpcResolver(clients.ec2()).defaultVpcId();
            return vpcId.map(id -> new LocalProbe(id, clients.ec2().describeSubnets(r -> r.filters(
                    filter("vpc-id", id))).subnets().stream().map(Subnet::subnetId).sorted().toList()));
        }
    }

    private static Filter filter(String name, String value) {
        return Filter.builder().name(name).values(value).build();
    }

    /** The template parameters of a stack with the probe deployed in {@link #vpcId}. */
    Map<String, String> parameters() {
        return Map.of("ProbeVpcId", vpcId, "ProbeSubnetIds", String.join(",", subnetIds));
    }

    /** The probe's environment variables over the template's. */
    Map<String, String> variables() {
        return Map.of(FunctionSettings.PROBE_PLACEMENT, ProbeResult.LOCAL);
    }

    /** The line on stderr that says what a local probe does not prove. */
    String notice() {
        return "--probe: " + FUNCTION + " runs as if deployed in " + vpcId + ", but locally it is attached to no "
                + "network: its ListTables answer (\"where\": \"local\") proves nothing about the VPC's path to "
                + "DynamoDB; on AWS its role allows ListTables only through an endpoint of that VPC";
    }

    /** The line on stderr when there is no VPC to deploy the probe in. */
    static String noVpc(JsonNode input) {
        return "--probe: " + (input.path("vpcId").isTextual() ? "VPC " + input.path("vpcId").asText()
                + " does not exist" : "the region has no default VPC") + ", so " + FUNCTION + " is not deployed";
    }
}
