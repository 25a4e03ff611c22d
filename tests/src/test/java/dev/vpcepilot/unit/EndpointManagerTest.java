package dev.vpcepilot.unit;

import static dev.vpcepilot.unit.Fixtures.EXECUTION;
import static dev.vpcepilot.unit.Fixtures.OTHER_EXECUTION;
import static dev.vpcepilot.unit.Fixtures.RTB_A;
import static dev.vpcepilot.unit.Fixtures.RTB_B;
import static dev.vpcepilot.unit.Fixtures.SERVICE;
import static dev.vpcepilot.unit.Fixtures.T0;
import static dev.vpcepilot.unit.Fixtures.VPC;
import static dev.vpcepilot.unit.Fixtures.ec2Error;
import static dev.vpcepilot.unit.Fixtures.endpoint;
import static dev.vpcepilot.unit.Fixtures.filters;
import static dev.vpcepilot.unit.Fixtures.foreign;
import static dev.vpcepilot.unit.Fixtures.owned;
import static dev.vpcepilot.unit.Fixtures.ownedTags;
import static dev.vpcepilot.unit.Fixtures.tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.EndpointNotAvailable;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.model.EndpointState;
import dev.vpcepilot.service.ClientTokens;
import dev.vpcepilot.service.EndpointManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointResponse;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.ModifyVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.ModifyVpcEndpointResponse;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

class EndpointManagerTest {

    private static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":\"*\",\"Action\":\"dynamodb:GetItem\",\"Resource\":\"*\"}]}";
    private static final String SAME_POLICY_REFORMATTED = "{\n  \"Statement\" : [ {\"Resource\":\"*\", "
            + "\"Action\":\"dynamodb:GetItem\", \"Principal\":\"*\", \"Effect\":\"Allow\"} ],\n"
            + "  \"Version\" : \"2012-10-17\"\n}";
    private static final String OTHER_POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

    private final Ec2Client ec2 = Fixtures.ec2();
    private final List<String> log = new ArrayList<>();
    private final EndpointManager manager = managerAt(T0);

    private EndpointManager managerAt(Instant now) {
        return new EndpointManager(ec2, Clock.fixed(now, ZoneOffset.UTC), log::add);
    }

    private static EndpointManager.Request request(List<String> routeTables, String policy, Map<String, String> tags) {
        return new EndpointManager.Request(SERVICE, VPC, routeTables, policy, tags, EXECUTION);
    }

    private static EndpointManager.Request request(String... routeTables) {
        return request(List.of(routeTables), null, Map.of());
    }

    /** Successive DescribeVpcEndpoints answers, one per call. */
    private void describes(List<VpcEndpoint> first, List<?>... more) {
        DescribeVpcEndpointsResponse[] rest = new DescribeVpcEndpointsResponse[more.length];
        for (int i = 0; i < more.length; i++) {
            @SuppressWarnings("unchecked")
            List<VpcEndpoint> page = (List<VpcEndpoint>) more[i];
            rest[i] = DescribeVpcEndpointsResponse.builder().vpcEndpoints(page).build();
        }
        doReturn(DescribeVpcEndpointsResponse.builder().vpcEndpoints(first).build(), (Object[]) rest)
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
    }

    private void createReturns(VpcEndpoint created) {
        doReturn(CreateVpcEndpointResponse.builder().vpcEndpoint(created).build())
                .when(ec2).createVpcEndpoint(any(CreateVpcEndpointRequest.class));
    }

    private void modifyOk() {
        doReturn(ModifyVpcEndpointResponse.builder().returnValue(true).build())
                .when(ec2).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));
    }

    private void deleteOk() {
        doReturn(DeleteVpcEndpointsResponse.builder().build())
                .when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
    }

    private ModifyVpcEndpointRequest sentModify() {
        ArgumentCaptor<ModifyVpcEndpointRequest> sent = ArgumentCaptor.forClass(ModifyVpcEndpointRequest.class);
        verify(ec2).modifyVpcEndpoint(sent.capture());
        return sent.getValue();
    }

    private CreateVpcEndpointRequest sentCreate() {
        ArgumentCaptor<CreateVpcEndpointRequest> sent = ArgumentCaptor.forClass(CreateVpcEndpointRequest.class);
        verify(ec2).createVpcEndpoint(sent.capture());
        return sent.getValue();
    }

    private List<String> deletedIds() {
        ArgumentCaptor<DeleteVpcEndpointsRequest> sent = ArgumentCaptor.forClass(DeleteVpcEndpointsRequest.class);
        verify(ec2).deleteVpcEndpoints(sent.capture());
        return sent.getValue().vpcEndpointIds();
    }

    private static Map<String, String> tagMap(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }

    @Nested
    class Reuse {

        @Test
        void anUnchangedEndpointIsReusedWithoutCreatingOrModifying() {
            describes(List.of(owned("vpce-0aaa", T0, RTB_A, RTB_B)));

            EndpointState state = manager.ensure(request(RTB_A, RTB_B));

            assertEquals(new EndpointState("vpce-0aaa", false, true, false, "available", List.of(RTB_A, RTB_B), 0),
                    state);
            verify(ec2, never()).createVpcEndpoint(any(CreateVpcEndpointRequest.class));
            verify(ec2, never()).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));
            verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
            assertTrue(log.contains("Reused vpce-0aaa unchanged"), log.toString());
        }

        @Test
        void theLookupAsksForLiveEndpointsOfThisVpcAndService() {
            describes(List.of(owned("vpce-0aaa", T0, RTB_A)));

            manager.ensure(request(RTB_A));

            ArgumentCaptor<DescribeVpcEndpointsRequest> sent = ArgumentCaptor.forClass(DescribeVpcEndpointsRequest.class);
            verify(ec2).describeVpcEndpoints(sent.capture());
            assertEquals(Map.of("vpc-id", List.of(VPC), "service-name", List.of(SERVICE),
                    "vpc-endpoint-state", List.of("pending", "available", "pendingAcceptance")),
                    filters(sent.getValue().filters()));
        }

        @Test
        void missingRouteTablesAreAddedToAnOwnedEndpoint() {
            describes(List.of(owned("vpce-0aaa", T0, RTB_A)));
            modifyOk();

            EndpointState state = manager.ensure(request(RTB_A, RTB_B));

            ModifyVpcEndpointRequest modify = sentModify();
            assertEquals("vpce-0aaa", modify.vpcEndpointId());
            assertEquals(List.of(RTB_B), modify.addRouteTableIds());
            assertNull(modify.policyDocument());
            assertFalse(state.created());
            assertTrue(state.modified());
            assertEquals(List.of(RTB_A, RTB_B), state.routeTableIds());
        }

        @Test
        void missingRouteTablesAreAddedEvenToAForeignEndpoint() {
            describes(List.of(foreign("vpce-0fff", T0, RTB_A)));
            modifyOk();

            EndpointState state = manager.ensure(request(RTB_A, RTB_B));

            assertEquals(List.of(RTB_B), sentModify().addRouteTableIds());
            assertFalse(state.owned());
            assertTrue(state.modified());
        }

        @Test
        void anEndpointThisExecutionAlreadyCreatedIsReportedAsCreated() {
            // the state machine retried CreateEndpoint after a transient error that followed the create
            describes(List.of(endpoint("vpce-0aaa", "available", T0, List.of(RTB_A), ownedTags(EXECUTION), null)));

            EndpointState state = manager.ensure(request(RTB_A));

            assertEquals("vpce-0aaa", state.vpcEndpointId());
            assertTrue(state.created(), "made by this execution");
            assertTrue(state.modified(), "created here: verification must read the routes again");
            verify(ec2, never()).createVpcEndpoint(any(CreateVpcEndpointRequest.class));
        }

        @Test
        void theOldestOfSeveralExistingEndpointsIsReused() {
            describes(List.of(owned("vpce-0new", T0.plusSeconds(60), RTB_A), owned("vpce-0old", T0, RTB_A)));

            EndpointState state = manager.ensure(request(RTB_A));

            assertEquals("vpce-0old", state.vpcEndpointId());
            verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
        }

        @Test
        void interfaceAndDeletedEndpointsAreNotReused() {
            VpcEndpoint iface = VpcEndpoint.builder().vpcEndpointId("vpce-0int").vpcEndpointType(VpcEndpointType.INTERFACE)
                    .state("available").creationTimestamp(T0.minusSeconds(60)).build();
            VpcEndpoint deleted = endpoint("vpce-0del", "deleted", T0.minusSeconds(30), List.of(RTB_A),
                    ownedTags(OTHER_EXECUTION), null);
            VpcEndpoint live = owned("vpce-0aaa", T0, RTB_A);
            describes(List.of(iface, deleted, live));

            assertEquals("vpce-0aaa", manager.ensure(request(RTB_A)).vpcEndpointId());
        }
    }

    @Nested
    class Policy {

        @Test
        void aDifferentPolicyIsUpdatedOnAnOwnedEndpoint() {
            describes(List.of(endpoint("vpce-0aaa", "available", T0, List.of(RTB_A), ownedTags(OTHER_EXECUTION),
                    OTHER_POLICY)));
            modifyOk();

            EndpointState state = manager.ensure(request(List.of(RTB_A), POLICY, Map.of()));

            ModifyVpcEndpointRequest modify = sentModify();
            assertEquals(POLICY, modify.policyDocument());
            assertTrue(modify.addRouteTableIds().isEmpty());
            assertTrue(state.modified());
        }

        @Test
        void aJsonEqualPolicyIsNotAChange() {
            describes(List.of(endpoint("vpce-0aaa", "available", T0, List.of(RTB_A), ownedTags(OTHER_EXECUTION),
                    SAME_POLICY_REFORMATTED)));

            EndpointState state = manager.ensure(request(List.of(RTB_A), POLICY, Map.of()));

            verify(ec2, never()).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));
            assertFalse(state.modified());
        }

        @Test
        void noRequestedPolicyLeavesTheExistingOneAlone() {
            describes(List.of(endpoint("vpce-0aaa", "available", T0, List.of(RTB_A), ownedTags(OTHER_EXECUTION),
                    OTHER_POLICY)));

            EndpointState state = manager.ensure(request(List.of(RTB_A), null, Map.of()));

            verify(ec2, never()).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));
            assertFalse(state.modified());
        }

        @Test
        void aForeignEndpointNeverGetsAPolicyChange() {
            describes(List.of(endpoint("vpce-0fff", "available", T0, List.of(RTB_A), List.of(tag("team", "net")),
                    OTHER_POLICY)));

            EndpointState state = manager.ensure(request(List.of(RTB_A), POLICY, Map.of()));

            verify(ec2, never()).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));
            assertFalse(state.owned());
            assertFalse(state.modified());
            assertTrue(log.stream().anyMatch(l -> l.contains("Left the policy of vpce-0fff alone")), log.toString());
        }

        @Test
        void aForeignEndpointGetsRouteTablesButNotThePolicy() {
            describes(List.of(endpoint("vpce-0fff", "available", T0, List.of(RTB_A), List.of(),
                    OTHER_POLICY)));
            modifyOk();

            manager.ensure(request(List.of(RTB_A, RTB_B), POLICY, Map.of()));

            ModifyVpcEndpointRequest modify = sentModify();
            assertEquals(List.of(RTB_B), modify.addRouteTableIds());
            assertNull(modify.policyDocument());
        }

        @Test
        void aManagedByTagWithAnotherValueIsNotOwnership() {
            describes(List.of(endpoint("vpce-0fff", "available", T0, List.of(RTB_A),
                    List.of(tag("managed-by", "terraform")), OTHER_POLICY)));

            EndpointState state = manager.ensure(request(List.of(RTB_A), POLICY, Map.of()));

            assertFalse(state.owned());
            verify(ec2, never()).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));
        }
    }

    @Nested
    class Create {

        @Test
        void createsAGatewayEndpointTaggedAsOwnedWithADeterministicToken() {
            VpcEndpoint mine = owned("vpce-0new", T0, RTB_A, RTB_B).toBuilder().state("pending").build();
            describes(List.of(), List.of(mine));
            createReturns(mine);

            EndpointState state = manager.ensure(request(List.of(RTB_A, RTB_B), POLICY, Map.of("team", "data")));

            CreateVpcEndpointRequest create = sentCreate();
            assertEquals(VPC, create.vpcId());
            assertEquals(SERVICE, create.serviceName());
            assertEquals(VpcEndpointType.GATEWAY, create.vpcEndpointType());
            assertEquals(List.of(RTB_A, RTB_B), create.routeTableIds());
            assertEquals(POLICY, create.policyDocument());
            assertEquals(ClientTokens.forCreate(VPC, SERVICE, List.of(RTB_A, RTB_B), POLICY, Map.of("team", "data"), T0),
                    create.clientToken());
            assertTrue(create.clientToken().startsWith("vpce-pilot-"), create.clientToken());
            assertTrue(create.clientToken().length() <= 64, create.clientToken());
            assertEquals(1, create.tagSpecifications().size());
            assertEquals(ResourceType.VPC_ENDPOINT, create.tagSpecifications().get(0).resourceType());
            assertEquals(Map.of("managed-by", "vpce-pilot", "vpce-pilot:execution", EXECUTION, "team", "data"),
                    tagMap(create.tagSpecifications().get(0).tags()));

            assertEquals(new EndpointState("vpce-0new", true, true, true, "pending", List.of(RTB_A, RTB_B), 0), state);
            verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
            verify(ec2, times(2)).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
        }

        @Test
        void withoutAPolicyNoneIsSent() {
            VpcEndpoint mine = owned("vpce-0new", T0, RTB_A);
            describes(List.of(), List.of(mine));
            createReturns(mine);

            manager.ensure(request(RTB_A));

            assertNull(sentCreate().policyDocument());
        }

        @Test
        void sameInputsInTheSameHourSendTheSameTokenAndTheNextHourAnother() {
            Instant sameHour = T0.plus(Duration.ofMinutes(40));
            Instant nextHour = T0.plus(Duration.ofMinutes(50));
            List<String> tokens = new ArrayList<>();
            for (Instant now : List.of(T0, sameHour, nextHour)) {
                Ec2Client client = Fixtures.ec2();
                VpcEndpoint mine = owned("vpce-0new", now, RTB_A);
                doReturn(DescribeVpcEndpointsResponse.builder().build(),
                        DescribeVpcEndpointsResponse.builder().vpcEndpoints(mine).build())
                        .when(client).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
                doReturn(CreateVpcEndpointResponse.builder().vpcEndpoint(mine).build())
                        .when(client).createVpcEndpoint(any(CreateVpcEndpointRequest.class));
                new EndpointManager(client, Clock.fixed(now, ZoneOffset.UTC), m -> { })
                        .ensure(request(List.of(RTB_A), POLICY, Map.of("team", "data")));
                ArgumentCaptor<CreateVpcEndpointRequest> sent = ArgumentCaptor.forClass(CreateVpcEndpointRequest.class);
                verify(client).createVpcEndpoint(sent.capture());
                tokens.add(sent.getValue().clientToken());
            }

            assertEquals(tokens.get(0), tokens.get(1), "10:15 and 10:55 are the same hour");
            assertNotEquals(tokens.get(0), tokens.get(2), "11:05 is the next hour");
        }

        @Test
        void theTokenDependsOnWhatIsAskedForButNotOnOrder() {
            String base = ClientTokens.forCreate(VPC, SERVICE, List.of(RTB_A, RTB_B), POLICY, Map.of("a", "1", "b", "2"), T0);

            assertEquals(base, ClientTokens.forCreate(VPC, SERVICE, List.of(RTB_B, RTB_A), POLICY,
                    new java.util.LinkedHashMap<>(Map.of("b", "2", "a", "1")), T0.plusSeconds(1)));
            assertNotEquals(base, ClientTokens.forCreate("vpc-01234567", SERVICE, List.of(RTB_A, RTB_B), POLICY,
                    Map.of("a", "1", "b", "2"), T0));
            assertNotEquals(base, ClientTokens.forCreate(VPC, SERVICE, List.of(RTB_A), POLICY,
                    Map.of("a", "1", "b", "2"), T0));
            assertNotEquals(base, ClientTokens.forCreate(VPC, SERVICE, List.of(RTB_A, RTB_B), null,
                    Map.of("a", "1", "b", "2"), T0));
            assertNotEquals(base, ClientTokens.forCreate(VPC, SERVICE, List.of(RTB_A, RTB_B), POLICY,
                    Map.of("a", "1"), T0));
            assertEquals(ClientTokens.forCreate(VPC, SERVICE, null, null, null, T0),
                    ClientTokens.forCreate(VPC, SERVICE, List.of(), null, Map.of(), T0));
        }

        @Test
        void routeAlreadyExistsOnCreateReusesTheEndpointThatWon() {
            describes(List.of(), List.of(foreign("vpce-0won", T0, RTB_A)));
            doThrow(ec2Error(400, "RouteAlreadyExists")).when(ec2).createVpcEndpoint(any(CreateVpcEndpointRequest.class));

            EndpointState state = manager.ensure(request(RTB_A));

            assertEquals("vpce-0won", state.vpcEndpointId());
            assertFalse(state.created());
            assertFalse(state.owned());
            verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
        }

        @Test
        void routeAlreadyExistsWithNoEndpointToReuseIsEndpointNotAvailable() {
            describes(List.of(), List.of());
            doThrow(ec2Error(400, "RouteAlreadyExists")).when(ec2).createVpcEndpoint(any(CreateVpcEndpointRequest.class));

            EndpointNotAvailable error = assertThrows(EndpointNotAvailable.class, () -> manager.ensure(request(RTB_A)));
            assertTrue(error.getMessage().contains(VPC), error.getMessage());
        }

        @Test
        void aThrottledCreateIsTransient() {
            describes(List.of());
            doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).createVpcEndpoint(any(CreateVpcEndpointRequest.class));

            TransientAwsError error = assertThrows(TransientAwsError.class, () -> manager.ensure(request(RTB_A)));
            assertTrue(error.getMessage().contains("CreateVpcEndpoint"), error.getMessage());
        }

        @Test
        void aConnectionFailureOnCreateIsTransient() {
            describes(List.of());
            doThrow(SdkClientException.create("connection reset")).when(ec2)
                    .createVpcEndpoint(any(CreateVpcEndpointRequest.class));

            assertThrows(TransientAwsError.class, () -> manager.ensure(request(RTB_A)));
        }

        @Test
        void aRefusedCreateIsAwsRequestFailed() {
            describes(List.of());
            doThrow(ec2Error(400, "VpcEndpointLimitExceeded")).when(ec2)
                    .createVpcEndpoint(any(CreateVpcEndpointRequest.class));

            AwsRequestFailed error = assertThrows(AwsRequestFailed.class, () -> manager.ensure(request(RTB_A)));
            assertTrue(error.getMessage().contains("VpcEndpointLimitExceeded"), error.getMessage());
        }

        @Test
        void aThrottledLookupIsTransient() {
            doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2)
                    .describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

            assertThrows(TransientAwsError.class, () -> manager.ensure(request(RTB_A)));
            verify(ec2, never()).createVpcEndpoint(any(CreateVpcEndpointRequest.class));
        }

        @Test
        void aThrottledModifyIsTransient() {
            describes(List.of(owned("vpce-0aaa", T0, RTB_A)));
            doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));

            assertThrows(TransientAwsError.class, () -> manager.ensure(request(RTB_A, RTB_B)));
        }
    }

    @Nested
    class Converge {

        @Test
        void anOlderOwnedEndpointWinsAndMineIsDeleted() {
            VpcEndpoint older = owned("vpce-0old", T0.minusSeconds(5), RTB_A);
            VpcEndpoint mine = owned("vpce-0new", T0, RTB_A);
            describes(List.of(), List.of(mine, older));
            createReturns(mine);
            deleteOk();

            EndpointState state = manager.ensure(request(RTB_A));

            assertEquals(List.of("vpce-0new"), deletedIds());
            assertEquals("vpce-0old", state.vpcEndpointId());
            assertFalse(state.created(), "another execution's endpoint won: this one did not create it");
            assertTrue(state.owned());
        }

        @Test
        void mineIsKeptWhenOldestAndOwnedExtrasAreDeletedButNeverAForeignOne() {
            VpcEndpoint mine = owned("vpce-0mine", T0, RTB_A);
            VpcEndpoint ownedExtra = owned("vpce-0dup", T0.plusSeconds(2), RTB_A);
            VpcEndpoint foreignExtra = foreign("vpce-0fff", T0.plusSeconds(3), RTB_A);
            describes(List.of(), List.of(foreignExtra, ownedExtra, mine));
            createReturns(mine);
            deleteOk();

            EndpointState state = manager.ensure(request(RTB_A));

            assertEquals(List.of("vpce-0dup"), deletedIds());
            assertEquals("vpce-0mine", state.vpcEndpointId());
            assertTrue(state.created());
            assertTrue(state.owned());
        }

        @Test
        void anOlderForeignEndpointWinsMineIsDeletedAndTheForeignOneReused() {
            VpcEndpoint older = foreign("vpce-0fff", T0.minusSeconds(5), RTB_A);
            VpcEndpoint mine = owned("vpce-0new", T0, RTB_A);
            describes(List.of(), List.of(mine, older));
            createReturns(mine);
            deleteOk();

            EndpointState state = manager.ensure(request(RTB_A));

            assertEquals(List.of("vpce-0new"), deletedIds());
            assertEquals("vpce-0fff", state.vpcEndpointId());
            assertFalse(state.created());
            assertFalse(state.owned());
        }

        @Test
        void theWinnerGetsTheRouteTablesThisRequestNeeds() {
            VpcEndpoint older = owned("vpce-0old", T0.minusSeconds(5), RTB_A);
            VpcEndpoint mine = owned("vpce-0new", T0, RTB_A, RTB_B);
            describes(List.of(), List.of(mine, older));
            createReturns(mine);
            deleteOk();
            modifyOk();

            EndpointState state = manager.ensure(request(RTB_A, RTB_B));

            ModifyVpcEndpointRequest modify = sentModify();
            assertEquals("vpce-0old", modify.vpcEndpointId());
            assertEquals(List.of(RTB_B), modify.addRouteTableIds());
            assertTrue(state.modified());
            assertEquals(List.of(RTB_A, RTB_B), state.routeTableIds());
        }

        @Test
        void mineMissingFromALaggingDescribeIsStillKept() {
            VpcEndpoint mine = owned("vpce-0new", T0, RTB_A).toBuilder().state("pending").build();
            describes(List.of(), List.of());
            createReturns(mine);

            EndpointState state = manager.ensure(request(RTB_A));

            assertEquals("vpce-0new", state.vpcEndpointId());
            assertTrue(state.created());
            assertEquals("pending", state.state());
            verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
        }

        @Test
        void aFailedConvergeDeleteIsReported() {
            VpcEndpoint older = owned("vpce-0old", T0.minusSeconds(5), RTB_A);
            VpcEndpoint mine = owned("vpce-0new", T0, RTB_A);
            describes(List.of(), List.of(mine, older));
            createReturns(mine);
            doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

            assertThrows(TransientAwsError.class, () -> manager.ensure(request(RTB_A)));
        }
    }
}
