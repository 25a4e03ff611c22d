package dev.vpcepilot.sharing;

import static dev.vpcepilot.sharing.SharingFixtures.EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.SCOPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.fixtures.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupIngressRequest;
import software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupIngressResponse;
import software.amazon.awssdk.services.ec2.model.CreateSecurityGroupRequest;
import software.amazon.awssdk.services.ec2.model.CreateSecurityGroupResponse;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointResponse;
import software.amazon.awssdk.services.ec2.model.DeleteSecurityGroupRequest;
import software.amazon.awssdk.services.ec2.model.DeleteSecurityGroupResponse;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.ModifyVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.ModifyVpcEndpointResponse;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/** The writes of an interface scope through {@link EndpointWriter}: subnets, and the run's own security group. */
@SuppressWarnings("unchecked")
class InterfaceWritesTest {

    private static final Scope INTERFACES = SCOPE.withType(EndpointType.INTERFACE);
    private static final List<String> SUBNETS = List.of("subnet-0000000a1", "subnet-0000000b1");

    private final Ec2Client ec2 = Fixtures.ec2();
    private final List<Duration> pauses = new ArrayList<>();
    private final List<String> fenced = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private boolean lost;

    private final WriteFence fence = write -> {
        fenced.add(write);
        if (lost) {
            throw new EndpointBusy("the lease is lost");
        }
    };

    private InterfaceWrites writes(List<String> groups) {
        return new InterfaceWrites(ec2, fence, pauses::add, new InterfaceWrites.Spec(groups,
                List.of("10.0.0.0/16", "192.168.0.0/24")), log::add);
    }

    private EndpointWriter writer(InterfaceWrites writes) {
        return new EndpointWriter(ec2, new EventualConsistency(pauses::add), fence, log::add, writes);
    }

    private void groupCreated() {
        doReturn(CreateSecurityGroupResponse.builder().groupId("sg-0000000001").build()).when(ec2)
                .createSecurityGroup(any(java.util.function.Consumer.class));
        doReturn(AuthorizeSecurityGroupIngressResponse.builder().returnValue(true).build()).when(ec2)
                .authorizeSecurityGroupIngress(any(java.util.function.Consumer.class));
    }

    private void endpointCreated() {
        doReturn(CreateVpcEndpointResponse.builder().vpcEndpoint(VpcEndpoint.builder().vpcEndpointId("vpce-new")
                .state("pending").build()).build()).when(ec2).createVpcEndpoint(any(CreateVpcEndpointRequest.class));
    }

    @Test
    void anEndpointWithoutGroupsGetsTheRunsOwnTaggedAtCreationAdmittingOnly443FromTheGivenCidrs() {
        groupCreated();
        endpointCreated();

        writer(writes(null)).create(INTERFACES, SUBNETS, PolicyWish.NONE, Map.of("team", "data"), EXEC);

        ArgumentCaptor<java.util.function.Consumer<CreateSecurityGroupRequest.Builder>> group =
                ArgumentCaptor.forClass(java.util.function.Consumer.class);
        verify(ec2).createSecurityGroup(group.capture());
        CreateSecurityGroupRequest.Builder groupRequest = CreateSecurityGroupRequest.builder();
        group.getValue().accept(groupRequest);
        CreateSecurityGroupRequest made = groupRequest.build();
        assertEquals(SharingFixtures.VPC, made.vpcId());
        assertEquals(ResourceType.SECURITY_GROUP, made.tagSpecifications().get(0).resourceType());
        assertEquals(Map.of("managed-by", "vpce-pilot", "vpce-pilot:execution", EXEC), made.tagSpecifications().get(0)
                .tags().stream().collect(Collectors.toMap(Tag::key, Tag::value)));

        ArgumentCaptor<java.util.function.Consumer<AuthorizeSecurityGroupIngressRequest.Builder>> ingress =
                ArgumentCaptor.forClass(java.util.function.Consumer.class);
        verify(ec2).authorizeSecurityGroupIngress(ingress.capture());
        AuthorizeSecurityGroupIngressRequest.Builder ingressRequest = AuthorizeSecurityGroupIngressRequest.builder();
        ingress.getValue().accept(ingressRequest);
        AuthorizeSecurityGroupIngressRequest rules = ingressRequest.build();
        assertEquals("sg-0000000001", rules.groupId());
        assertEquals(1, rules.ipPermissions().size());
        assertEquals("tcp", rules.ipPermissions().get(0).ipProtocol());
        assertEquals(443, rules.ipPermissions().get(0).fromPort());
        assertEquals(443, rules.ipPermissions().get(0).toPort());
        assertEquals(List.of("10.0.0.0/16", "192.168.0.0/24"), rules.ipPermissions().get(0).ipRanges().stream()
                .map(r -> r.cidrIp()).toList());

        ArgumentCaptor<CreateVpcEndpointRequest> endpoint = ArgumentCaptor.forClass(CreateVpcEndpointRequest.class);
        verify(ec2).createVpcEndpoint(endpoint.capture());
        CreateVpcEndpointRequest request = endpoint.getValue();
        assertEquals(VpcEndpointType.INTERFACE, request.vpcEndpointType());
        assertEquals(SUBNETS, request.subnetIds());
        assertEquals(List.of("sg-0000000001"), request.securityGroupIds());
        assertFalse(request.privateDnsEnabled(), "DynamoDB's interface endpoints do not support private DNS");
        assertTrue(request.routeTableIds().isEmpty());
        assertEquals(Map.of("managed-by", "vpce-pilot", "vpce-pilot:execution", EXEC, "team", "data"), request
                .tagSpecifications().get(0).tags().stream().collect(Collectors.toMap(Tag::key, Tag::value)));
        assertEquals(3, fenced.size(), "every write behind the fence (rule 15): " + fenced);
    }

    @Test
    void theRequestsGroupsAreUsedAsTheyAreAndNoGroupIsMade() {
        endpointCreated();

        writer(writes(List.of("sg-mine"))).create(INTERFACES, SUBNETS, PolicyWish.NONE, null, EXEC);

        verify(ec2, never()).createSecurityGroup(any(java.util.function.Consumer.class));
        ArgumentCaptor<CreateVpcEndpointRequest> endpoint = ArgumentCaptor.forClass(CreateVpcEndpointRequest.class);
        verify(ec2).createVpcEndpoint(endpoint.capture());
        assertEquals(List.of("sg-mine"), endpoint.getValue().securityGroupIds());
    }

    @Test
    void aGroupMadeForAnEndpointThatCouldNotBeCreatedGoesAgain() {
        groupCreated();
        doThrow(Fixtures.ec2Error(400, "InvalidParameter")).when(ec2)
                .createVpcEndpoint(any(CreateVpcEndpointRequest.class));
        doReturn(DeleteSecurityGroupResponse.builder().build()).when(ec2)
                .deleteSecurityGroup(any(java.util.function.Consumer.class));

        assertThrows(AwsRequestFailed.class, () -> writer(writes(null)).create(INTERFACES, SUBNETS, PolicyWish.NONE,
                null, EXEC));

        verify(ec2).deleteSecurityGroup(any(java.util.function.Consumer.class));
    }

    @Test
    void subnetsAreAddedAndRemovedWhereAGatewayWriterWouldUseRouteTables() {
        doReturn(ModifyVpcEndpointResponse.builder().returnValue(true).build()).when(ec2)
                .modifyVpcEndpoint(any(java.util.function.Consumer.class));
        EndpointWriter writer = writer(writes(null));

        writer.addRouteTables("vpce-1", List.of("subnet-0000000c1"));
        writer.removeRouteTables("vpce-1", List.of("subnet-0000000a1"));

        ArgumentCaptor<java.util.function.Consumer<ModifyVpcEndpointRequest.Builder>> sent =
                ArgumentCaptor.forClass(java.util.function.Consumer.class);
        verify(ec2, times(2)).modifyVpcEndpoint(sent.capture());
        List<ModifyVpcEndpointRequest> requests = sent.getAllValues().stream().map(c -> {
            ModifyVpcEndpointRequest.Builder b = ModifyVpcEndpointRequest.builder();
            c.accept(b);
            return b.build();
        }).toList();
        assertEquals(List.of("subnet-0000000c1"), requests.get(0).addSubnetIds());
        assertTrue(requests.get(0).addRouteTableIds().isEmpty());
        assertEquals(List.of("subnet-0000000a1"), requests.get(1).removeSubnetIds());
    }

    private void describes(List<String> groups, SecurityGroup... described) {
        doReturn(DescribeVpcEndpointsResponse.builder().vpcEndpoints(VpcEndpoint.builder().vpcEndpointId("vpce-1")
                .groups(groups.stream().map(g -> SecurityGroupIdentifier.builder().groupId(g).build()).toList())
                .build()).build()).when(ec2).describeVpcEndpoints(any(java.util.function.Consumer.class));
        doReturn(DescribeSecurityGroupsResponse.builder().securityGroups(described).build()).when(ec2)
                .describeSecurityGroups(any(java.util.function.Consumer.class));
        doReturn(DeleteVpcEndpointsResponse.builder().build()).when(ec2)
                .deleteVpcEndpoints(any(java.util.function.Consumer.class));
    }

    private static SecurityGroup group(String id, boolean owned) {
        return SecurityGroup.builder().groupId(id).tags(owned ? List.of(Tag.builder().key("managed-by")
                .value("vpce-pilot").build()) : List.of()).build();
    }

    @Test
    void deletingAnEndpointDeletesItsOwnGroupAfterItAndNeverAGroupWithoutTheOwnershipTag() {
        describes(List.of("sg-ours", "sg-theirs"), group("sg-ours", true), group("sg-theirs", false));
        doReturn(DeleteSecurityGroupResponse.builder().build()).when(ec2)
                .deleteSecurityGroup(any(java.util.function.Consumer.class));

        writer(writes(null)).delete(List.of("vpce-1"));

        ArgumentCaptor<java.util.function.Consumer<DeleteSecurityGroupRequest.Builder>> deleted =
                ArgumentCaptor.forClass(java.util.function.Consumer.class);
        verify(ec2, times(1)).deleteSecurityGroup(deleted.capture());
        DeleteSecurityGroupRequest.Builder request = DeleteSecurityGroupRequest.builder();
        deleted.getValue().accept(request);
        assertEquals("sg-ours", request.build().groupId());
        org.mockito.InOrder order = org.mockito.Mockito.inOrder(ec2);
        order.verify(ec2).deleteVpcEndpoints(any(java.util.function.Consumer.class));
        order.verify(ec2).deleteSecurityGroup(any(java.util.function.Consumer.class));
    }

    @Test
    void aGroupStillInUseIsWaitedForWithABoundThenLeftBehindAndReportedNeverAnError() {
        describes(List.of("sg-ours"), group("sg-ours", true));
        doThrow(Fixtures.ec2Error(400, "DependencyViolation")).when(ec2)
                .deleteSecurityGroup(any(java.util.function.Consumer.class));
        InterfaceWrites writes = writes(null);

        writer(writes).delete(List.of("vpce-1"));

        assertEquals(InterfaceWrites.GROUP_WAITS, pauses);
        verify(ec2, times(InterfaceWrites.GROUP_WAITS.size() + 1))
                .deleteSecurityGroup(any(java.util.function.Consumer.class));
        assertEquals(1, writes.leftBehind().size());
        assertTrue(writes.leftBehind().get(0).contains("sg-ours was left behind (tagged managed-by=vpce-pilot)"),
                writes.leftBehind().toString());
    }

    @Test
    void aGroupFreedWhileWaitingIsDeleted() {
        describes(List.of("sg-ours"), group("sg-ours", true));
        doThrow(Fixtures.ec2Error(400, "DependencyViolation")).doReturn(DeleteSecurityGroupResponse.builder().build())
                .when(ec2).deleteSecurityGroup(any(java.util.function.Consumer.class));
        InterfaceWrites writes = writes(null);

        writer(writes).delete(List.of("vpce-1"));

        assertEquals(List.of(InterfaceWrites.GROUP_WAITS.get(0)), pauses);
        assertEquals(List.of(), writes.leftBehind());
    }

    @Test
    void anEndpointEc2DoesNotShowHasNoGroupToReadAndIsNoError() {
        doThrow(Fixtures.ec2Error(400, "InvalidVpcEndpointId.NotFound")).when(ec2)
                .describeVpcEndpoints(any(java.util.function.Consumer.class));

        assertEquals(List.of(), writes(null).beforeDelete(List.of("vpce-gone")));
        verify(ec2, never()).describeSecurityGroups(any(java.util.function.Consumer.class));
    }

    @Test
    void aWriterThatLostItsLeaseDeletesNoGroup() {
        describes(List.of("sg-ours"), group("sg-ours", true));
        lost = true;

        assertThrows(EndpointBusy.class, () -> writer(writes(null)).delete(List.of("vpce-1")));

        verify(ec2, never()).deleteSecurityGroup(any(java.util.function.Consumer.class));
        verify(ec2, never()).deleteVpcEndpoints(any(java.util.function.Consumer.class));
    }
}
