package dev.vpcepilot.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which endpoint ids an EC2 Query request names and a CreateVpcEndpoint answer returns. */
class EndpointIdsTest {

    @Test
    void everyActionNamingEndpointIdsInItsParameters() {
        assertEquals(List.of("vpce-1", "vpce-2"), EndpointIds.namedBy("DescribeVpcEndpoints",
                "Action=DescribeVpcEndpoints&Version=2016-11-15&VpcEndpointId.1=vpce-1&VpcEndpointId.2=vpce-2"));
        assertEquals(List.of("vpce-1"), EndpointIds.namedBy("DeleteVpcEndpoints", "VpcEndpointId.1=vpce-1"));
        assertEquals(List.of("vpce-1"), EndpointIds.namedBy("ModifyVpcEndpoint",
                "Action=ModifyVpcEndpoint&VpcEndpointId=vpce-1&AddRouteTableId.1=rtb-1"));
        assertEquals(List.of("vpce-1"), EndpointIds.namedBy("AcceptVpcEndpointConnections",
                "ServiceId=vpce-svc-1&VpcEndpointId.1=vpce-1"));
    }

    @Test
    void tagActionsNameTheEndpointIdsAmongTheirResources() {
        assertEquals(List.of("vpce-1", "vpce-2"), EndpointIds.namedBy("CreateTags",
                "Action=CreateTags&ResourceId.1=vpc-1&ResourceId.2=vpce-1&ResourceId.3=vpce-2&Tag.1.Key=a&Tag.1.Value=vpce-9"));
        assertEquals(List.of("vpce-1"), EndpointIds.namedBy("DeleteTags", "ResourceId.1=vpce-1"));
        assertEquals(List.of(), EndpointIds.namedBy("DescribeTags", "Filter.1.Name=resource-id&Filter.1.Value.1=vpce-1"),
                "a filter names nothing: it cannot answer NotFound");
        assertEquals(List.of(), EndpointIds.namedBy("DescribeRouteTables", "ResourceId.1=vpce-1"));
    }

    @Test
    void queryStringAndBodyAlikeDistinctInOrderAndDecoded() {
        assertEquals(List.of("vpce-1", "vpce-2"), EndpointIds.namedBy("DescribeVpcEndpoints",
                "Action=DescribeVpcEndpoints&VpcEndpointId.1=vpce-1", "VpcEndpointId.2=vpce-2&VpcEndpointId.3=vpce-1"));
        assertEquals(List.of("vpce-1"), EndpointIds.namedBy("ModifyVpcEndpoint", "VpcEndpointId=%20vpce-1%20"));
        assertEquals(List.of(), EndpointIds.namedBy("ModifyVpcEndpoint", "VpcEndpointId=%zz&VpcEndpointId.1=",
                "", null));
    }

    @Test
    void theIdOfACreateVpcEndpointAnswer() {
        String answer = "<?xml version=\"1.0\" encoding=\"utf-8\"?><CreateVpcEndpointResponse xmlns=\"http://ec2"
                + ".amazonaws.com/doc/2016-11-15\"><vpcEndpoint><vpcEndpointId>vpce-0abc123</vpcEndpointId><vpcId>vpc-1"
                + "</vpcId></vpcEndpoint><clientToken>t</clientToken><requestId>r</requestId></CreateVpcEndpointResponse>";
        assertEquals(Optional.of("vpce-0abc123"), EndpointIds.createdBy(answer.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), EndpointIds.createdBy("<Response><Errors/></Response>".getBytes(
                StandardCharsets.UTF_8)));
    }

    @Test
    void aDeleteFormWithoutSomeIdsKeepsTheRestNumberedAgain() {
        assertEquals("Action=DeleteVpcEndpoints&Version=2016-11-15&VpcEndpointId.1=vpce-3",
                EndpointIds.formWithout("Action=DeleteVpcEndpoints&VpcEndpointId.1=vpce-1&Version=2016-11-15"
                        + "&VpcEndpointId.2=vpce-2&VpcEndpointId.3=vpce-3", Set.of("vpce-1", "vpce-2")));
        assertEquals("Action=DeleteVpcEndpoints", EndpointIds.formWithout(
                "Action=DeleteVpcEndpoints&VpcEndpointId.1=vpce-1", Set.of("vpce-1")));
        assertEquals("", EndpointIds.formWithout("", Set.of("vpce-1")));
    }
}
