package dev.vpcepilot.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.vpcepilot.fixtures.Fixtures;
import dev.vpcepilot.sharing.EndpointType;
import dev.vpcepilot.sharing.Scope;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeVpcsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcsResponse;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/** The lock scopes the hook acts on take their account and region from an ARN Step Functions gave, none made up. */
class HookScopesTest {

    private static final String EXECUTION = "arn:aws:states:eu-west-1:111111111111:execution:vpce-pilot:cfn-1";
    private static final String MACHINE = "arn:aws:states:eu-west-1:222222222222:stateMachine:vpce-pilot";

    private final Ec2Client ec2 = Fixtures.ec2();
    private final WorkflowRunner workflow = mock(WorkflowRunner.class);
    private final HookScopes scopes = new HookScopes(ec2, workflow);

    @Test
    void anExecutionsInputIsLockedInThatExecutionsAccountAndRegionWithItsDefaultService() {
        assertEquals(Optional.of(new Scope("111111111111", "eu-west-1", "vpc-1", "com.amazonaws.eu-west-1.dynamodb")),
                scopes.ofInput(EXECUTION, Fixtures.json("{\"vpcId\":\"vpc-1\"}")));
        assertEquals(Optional.of(new Scope("111111111111", "eu-west-1", "vpc-1", "com.amazonaws.eu-west-1.s3")),
                scopes.ofInput(EXECUTION, Fixtures.json("{\"vpcId\":\"vpc-1\",\"serviceName\":"
                        + "\"com.amazonaws.eu-west-1.s3\"}")));
        verifyNoInteractions(workflow);
    }

    @Test
    void aDeletesPropertiesAndEndpointsAreLockedInTheStateMachinesAccountAndRegion() {
        when(workflow.stateMachineArn()).thenReturn(MACHINE);
        doReturn(DescribeVpcsResponse.builder().vpcs(Vpc.builder().vpcId("vpc-default").build()).build())
                .when(ec2).describeVpcs(any(DescribeVpcsRequest.class));

        assertEquals(Optional.of(new Scope("222222222222", "eu-west-1", "vpc-default",
                "com.amazonaws.eu-west-1.dynamodb")), scopes.ofProperties(Fixtures.json("{}")));
        assertEquals(new Scope("222222222222", "eu-west-1", "vpc-2", "com.amazonaws.eu-west-1.dynamodb"),
                scopes.ofEndpoint(VpcEndpoint.builder().vpcId("vpc-2").serviceName("com.amazonaws.eu-west-1.dynamodb")
                        .build()));
    }

    /** Rule 4: a gateway scope and an interface scope of one VPC are two, so each is found with its type. */
    @Test
    void anInterfaceEndpointsInputPropertiesAndEndpointNameTheInterfaceScope() {
        when(workflow.stateMachineArn()).thenReturn(MACHINE);
        String dynamoDb = "com.amazonaws.eu-west-1.dynamodb";

        assertEquals(Optional.of(new Scope("111111111111", "eu-west-1", "vpc-1", dynamoDb, EndpointType.INTERFACE)),
                scopes.ofInput(EXECUTION, Fixtures.json("{\"vpcId\":\"vpc-1\",\"endpointType\":\"Interface\"}")));
        assertEquals(Optional.of(new Scope("222222222222", "eu-west-1", "vpc-1", dynamoDb, EndpointType.INTERFACE)),
                scopes.ofProperties(ResourceProperties.leniently(Map.of("VpcId", "vpc-1", "EndpointType",
                        "Interface"))));
        assertEquals(Optional.of(new Scope("222222222222", "eu-west-1", "vpc-1", dynamoDb)),
                scopes.ofProperties(ResourceProperties.leniently(Map.of("VpcId", "vpc-1", "EndpointType",
                        "Gateway"))));
        assertEquals(new Scope("222222222222", "eu-west-1", "vpc-2", dynamoDb, EndpointType.INTERFACE),
                scopes.ofEndpoint(VpcEndpoint.builder().vpcId("vpc-2").serviceName(dynamoDb)
                        .vpcEndpointType(VpcEndpointType.INTERFACE).build()));
        assertEquals(new Scope("222222222222", "eu-west-1", "vpc-2", dynamoDb),
                scopes.ofEndpoint(VpcEndpoint.builder().vpcId("vpc-2").serviceName(dynamoDb)
                        .vpcEndpointType(VpcEndpointType.GATEWAY).build()));
    }

    @Test
    void withoutAVpcThereIsNoScope() {
        doReturn(DescribeVpcsResponse.builder().build()).when(ec2).describeVpcs(any(DescribeVpcsRequest.class));

        assertEquals(Optional.empty(), scopes.ofProperties(Fixtures.json("{}")));
        verifyNoInteractions(workflow);
    }
}
