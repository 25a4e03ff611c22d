package dev.vpcepilot.sharing;

import static dev.vpcepilot.fixtures.Fixtures.ec2Error;
import static dev.vpcepilot.sharing.SharingFixtures.AWS_DEFAULT;
import static dev.vpcepilot.sharing.SharingFixtures.EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.OTHER_EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.POLICY_P1;
import static dev.vpcepilot.sharing.SharingFixtures.RTB_A;
import static dev.vpcepilot.sharing.SharingFixtures.RTB_B;
import static dev.vpcepilot.sharing.SharingFixtures.SCOPE;
import static dev.vpcepilot.sharing.SharingFixtures.SERVICE;
import static dev.vpcepilot.sharing.SharingFixtures.VPC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.fixtures.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateTagsRequest;
import software.amazon.awssdk.services.ec2.model.CreateTagsResponse;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointResponse;
import software.amazon.awssdk.services.ec2.model.DeleteTagsRequest;
import software.amazon.awssdk.services.ec2.model.DeleteTagsResponse;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.ModifyVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.ModifyVpcEndpointResponse;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItem;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItemError;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

class EndpointWriterTest {

    private static final ModifyVpcEndpointResponse MODIFIED = ModifyVpcEndpointResponse.builder().returnValue(true)
            .build();
    private static final DeleteVpcEndpointsResponse ALL_DELETED = DeleteVpcEndpointsResponse.builder().build();

    private final Ec2Client ec2 = Fixtures.ec2();
    private final List<Duration> pauses = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    /** The fence of the hold: records every write it is asked about, and refuses them all once {@link #lost}. */
    private final List<String> fenced = new ArrayList<>();
    private boolean lost;
    private final EndpointWriter writer = new EndpointWriter(ec2, new EventualConsistency(pauses::add), write -> {
        fenced.add(write);
        if (lost) {
            throw new EndpointBusy("the lease is lost");
        }
    }, log::add);

    private static UnsuccessfulItem unsuccessful(String id, String code) {
        return UnsuccessfulItem.builder().resourceId(id)
                .error(UnsuccessfulItemError.builder().code(code).message(code + " for " + id).build()).build();
    }

    private List<ModifyVpcEndpointRequest> modifications(int count) {
        ArgumentCaptor<ModifyVpcEndpointRequest> sent = ArgumentCaptor.forClass(ModifyVpcEndpointRequest.class);
        verify(ec2, times(count)).modifyVpcEndpoint(sent.capture());
        return sent.getAllValues();
    }

    @Nested
    class Create {

        private CreateVpcEndpointRequest create(PolicyWish policy, Map<String, String> userTags, String execution,
                                                List<String> tables) {
            doReturn(CreateVpcEndpointResponse.builder().vpcEndpoint(VpcEndpoint.builder().vpcEndpointId("vpce-new")
                    .state("pending").build()).build()).when(ec2).createVpcEndpoint(any(CreateVpcEndpointRequest.class));
            VpcEndpoint created = writer.create(SCOPE, tables, policy, userTags, execution);
            assertEquals("vpce-new", created.vpcEndpointId());
            ArgumentCaptor<CreateVpcEndpointRequest> sent = ArgumentCaptor.forClass(CreateVpcEndpointRequest.class);
            verify(ec2, times(1)).createVpcEndpoint(sent.capture());
            clearInvocations(ec2);
            return sent.getValue();
        }

        @Test
        void aGatewayEndpointOfTheScopeForTheRouteTablesTaggedAsOursAtCreation() {
            Map<String, String> userTags = new LinkedHashMap<>();
            userTags.put("app", "orders");
            userTags.put("team", "data");

            CreateVpcEndpointRequest request = create(PolicyWish.NONE, userTags, EXEC, List.of(RTB_A, RTB_B));

            assertEquals(VPC, request.vpcId());
            assertEquals(SERVICE, request.serviceName());
            assertEquals(VpcEndpointType.GATEWAY, request.vpcEndpointType());
            assertEquals(List.of(RTB_A, RTB_B), request.routeTableIds());
            assertEquals(1, request.tagSpecifications().size());
            assertEquals(ResourceType.VPC_ENDPOINT, request.tagSpecifications().get(0).resourceType());
            Map<String, String> tags = request.tagSpecifications().get(0).tags().stream()
                    .collect(Collectors.toMap(Tag::key, Tag::value));
            assertEquals(Map.of("managed-by", "vpce-pilot", "vpce-pilot:execution", EXEC, "app", "orders",
                    "team", "data"), tags);
            assertNull(request.policyDocument(), "no wish: AWS's default policy");
            assertTrue(log.stream().anyMatch(l -> l.contains("vpce-new")), log.toString());
        }

        @Test
        void withoutUserTagsOnlyOurOwnTags() {
            CreateVpcEndpointRequest request = create(PolicyWish.NONE, null, EXEC, List.of(RTB_A));

            assertEquals(List.of("managed-by", "vpce-pilot:execution"),
                    request.tagSpecifications().get(0).tags().stream().map(Tag::key).toList());
        }

        @Test
        void aPolicyDocumentIsCreatedWithTheEndpointAndTheDefaultIsAwsOwn() {
            assertEquals(POLICY_P1, create(PolicyWish.of(POLICY_P1), null, EXEC, List.of(RTB_A)).policyDocument());
            assertNull(create(PolicyWish.DEFAULT, null, EXEC, List.of(RTB_A)).policyDocument());
        }

        @Test
        void theClientTokenIsTheSameForTheSameExecutionAndInputsAndAnotherForAnotherExecution() {
            String first = create(PolicyWish.NONE, Map.of("app", "x"), EXEC, List.of(RTB_A)).clientToken();
            String again = create(PolicyWish.NONE, Map.of("app", "x"), EXEC, List.of(RTB_A)).clientToken();
            String rerun = create(PolicyWish.NONE, Map.of("app", "x"), OTHER_EXEC, List.of(RTB_A)).clientToken();
            String otherTables = create(PolicyWish.NONE, Map.of("app", "x"), EXEC, List.of(RTB_B)).clientToken();

            assertEquals(first, again, "the SDK's and the state machine's retries of one call make one endpoint");
            assertNotEquals(first, rerun, "a rerun (after a cleanup, a rollback) makes a new endpoint");
            assertNotEquals(first, otherTables);
            // EC2: "a unique, case-sensitive string of up to 64 ASCII characters" (Ensuring idempotency in
            // Amazon EC2 API requests).
            assertTrue(first.length() <= 64, first);
            assertTrue(StandardCharsets.US_ASCII.newEncoder().canEncode(first), first);
        }

        @Test
        void aRouteAnotherWriterAddedMeanwhileMakesTheStepBusy() {
            doThrow(ec2Error(400, "RouteAlreadyExists")).when(ec2).createVpcEndpoint(any(CreateVpcEndpointRequest.class));

            EndpointBusy busy = assertThrows(EndpointBusy.class,
                    () -> writer.create(SCOPE, List.of(RTB_A), PolicyWish.NONE, null, EXEC));

            assertTrue(busy.getMessage().contains(RTB_A), busy.getMessage());
        }

        @Test
        void otherRefusalsAreTranslatedAndNotRetried() {
            doThrow(ec2Error(400, "VpcEndpointLimitExceeded")).when(ec2)
                    .createVpcEndpoint(any(CreateVpcEndpointRequest.class));
            AwsRequestFailed failed = assertThrows(AwsRequestFailed.class,
                    () -> writer.create(SCOPE, List.of(RTB_A), PolicyWish.NONE, null, EXEC));
            assertTrue(failed.getMessage().contains("VpcEndpointLimitExceeded"), failed.getMessage());

            doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2)
                    .createVpcEndpoint(any(CreateVpcEndpointRequest.class));
            assertThrows(TransientAwsError.class,
                    () -> writer.create(SCOPE, List.of(RTB_A), PolicyWish.NONE, null, EXEC));
            verify(ec2, times(2)).createVpcEndpoint(any(CreateVpcEndpointRequest.class));
            assertEquals(List.of(), pauses);
        }
    }

    @Nested
    class Modify {

        @Test
        void routeTablesAreAddedAndRemoved() {
            doReturn(MODIFIED).when(ec2).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));

            writer.addRouteTables("vpce-1", List.of(RTB_A, RTB_B));
            writer.removeRouteTables("vpce-2", List.of(RTB_B));

            List<ModifyVpcEndpointRequest> sent = modifications(2);
            assertEquals("vpce-1", sent.get(0).vpcEndpointId());
            assertEquals(List.of(RTB_A, RTB_B), sent.get(0).addRouteTableIds());
            assertTrue(sent.get(0).removeRouteTableIds().isEmpty());
            assertEquals("vpce-2", sent.get(1).vpcEndpointId());
            assertEquals(List.of(RTB_B), sent.get(1).removeRouteTableIds());
            assertTrue(sent.get(1).addRouteTableIds().isEmpty());
        }

        @Test
        void anEndpointEc2DoesNotKnowYetIsModifiedOnceItDoes() {
            doThrow(ec2Error(400, "InvalidVpcEndpointId.NotFound")).doReturn(MODIFIED)
                    .when(ec2).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));

            writer.addRouteTables("vpce-new", List.of(RTB_A));

            modifications(2);
            assertEquals(List.of(Duration.ofMillis(250)), pauses);
        }

        @Test
        void aRepairTakesTheTableOutThenPutsItBackSoEc2AddsTheRoute() {
            doReturn(MODIFIED).when(ec2).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));

            writer.repair("vpce-1", RTB_B);

            List<ModifyVpcEndpointRequest> sent = modifications(2);
            assertEquals(List.of(RTB_B), sent.get(0).removeRouteTableIds());
            assertTrue(sent.get(0).addRouteTableIds().isEmpty());
            assertEquals(List.of(RTB_B), sent.get(1).addRouteTableIds());
            assertTrue(sent.get(1).removeRouteTableIds().isEmpty());
        }

        @Test
        void aDocumentIsSetAndDefaultIsAReset() {
            doReturn(MODIFIED).when(ec2).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));

            writer.setPolicy("vpce-1", PolicyWish.of(POLICY_P1));
            writer.setPolicy("vpce-1", PolicyWish.DEFAULT);

            List<ModifyVpcEndpointRequest> sent = modifications(2);
            assertEquals(POLICY_P1, sent.get(0).policyDocument());
            assertNull(sent.get(0).resetPolicy());
            assertEquals(Boolean.TRUE, sent.get(1).resetPolicy());
            assertNull(sent.get(1).policyDocument());
        }

        @Test
        void restoringPutsBackTheDocumentOrResetsWhatWasAwsDefault() {
            doReturn(MODIFIED).when(ec2).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));

            writer.restorePolicy("vpce-1", POLICY_P1);
            writer.restorePolicy("vpce-1", AWS_DEFAULT);
            writer.restorePolicy("vpce-1", null);

            List<ModifyVpcEndpointRequest> sent = modifications(3);
            assertEquals(POLICY_P1, sent.get(0).policyDocument());
            assertEquals(Boolean.TRUE, sent.get(1).resetPolicy());
            assertEquals(Boolean.TRUE, sent.get(2).resetPolicy());
        }

        @Test
        void retagSetsAndRemovesOnlyWhatIsAsked() {
            doReturn(CreateTagsResponse.builder().build()).when(ec2).createTags(any(CreateTagsRequest.class));
            doReturn(DeleteTagsResponse.builder().build()).when(ec2).deleteTags(any(DeleteTagsRequest.class));

            writer.retag("vpce-1", Map.of("app", "orders"), List.of("old"));

            ArgumentCaptor<CreateTagsRequest> created = ArgumentCaptor.forClass(CreateTagsRequest.class);
            ArgumentCaptor<DeleteTagsRequest> deleted = ArgumentCaptor.forClass(DeleteTagsRequest.class);
            InOrder order = inOrder(ec2);
            order.verify(ec2).createTags(created.capture());
            order.verify(ec2).deleteTags(deleted.capture());
            assertEquals(List.of("vpce-1"), created.getValue().resources());
            assertEquals(List.of(Tag.builder().key("app").value("orders").build()), created.getValue().tags());
            assertEquals(List.of("vpce-1"), deleted.getValue().resources());
            // A key without value deletes the tag whatever its value.
            assertEquals(List.of(Tag.builder().key("old").build()), deleted.getValue().tags());
        }

        @Test
        void retagWithNothingToChangeCallsNothing() {
            writer.retag("vpce-1", Map.of(), List.of());

            verify(ec2, never()).createTags(any(CreateTagsRequest.class));
            verify(ec2, never()).deleteTags(any(DeleteTagsRequest.class));
        }

        @Test
        void aRefusedModificationIsTranslatedAtOnce() {
            doThrow(ec2Error(403, "UnauthorizedOperation")).when(ec2)
                    .modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));

            AwsRequestFailed failed = assertThrows(AwsRequestFailed.class,
                    () -> writer.setPolicy("vpce-1", PolicyWish.of(POLICY_P1)));

            assertTrue(failed.getMessage().contains("UnauthorizedOperation"), failed.getMessage());
            modifications(1);
            assertEquals(List.of(), pauses);
        }
    }

    @Nested
    class Delete {

        private List<DeleteVpcEndpointsRequest> deletions(int count) {
            ArgumentCaptor<DeleteVpcEndpointsRequest> sent = ArgumentCaptor.forClass(DeleteVpcEndpointsRequest.class);
            verify(ec2, times(count)).deleteVpcEndpoints(sent.capture());
            return sent.getAllValues();
        }

        @Test
        void oneCallDeletesThemAll() {
            doReturn(ALL_DELETED).when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

            writer.delete(List.of("vpce-1", "vpce-2"));

            assertEquals(List.of("vpce-1", "vpce-2"), deletions(1).get(0).vpcEndpointIds());
            assertEquals(List.of(), pauses);
            assertTrue(log.contains("Deleted vpce-1") && log.contains("Deleted vpce-2"), log.toString());
        }

        @Test
        void anIdEc2DoesNotKnowYetIsDeletedAgainAloneAfterABackoff() {
            doReturn(DeleteVpcEndpointsResponse.builder()
                    .unsuccessful(unsuccessful("vpce-new", "InvalidVpcEndpoint.NotFound")).build())
                    .doReturn(ALL_DELETED)
                    .when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

            writer.delete(List.of("vpce-old", "vpce-new"));

            List<DeleteVpcEndpointsRequest> sent = deletions(2);
            assertEquals(List.of("vpce-old", "vpce-new"), sent.get(0).vpcEndpointIds());
            assertEquals(List.of("vpce-new"), sent.get(1).vpcEndpointIds());
            assertEquals(List.of(Duration.ofMillis(250)), pauses);
        }

        @Test
        void anIdStillUnknownAfterTheBackoffIsBusy() {
            doReturn(DeleteVpcEndpointsResponse.builder()
                    .unsuccessful(unsuccessful("vpce-new", "InvalidVpcEndpointId.NotFound")).build())
                    .when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

            EndpointBusy busy = assertThrows(EndpointBusy.class, () -> writer.delete(List.of("vpce-new")));

            assertTrue(busy.getMessage().contains("vpce-new"), busy.getMessage());
            deletions(5);
            assertEquals(EventualConsistencyTest.BACKOFF, pauses);
        }

        @Test
        void anyOtherUnsuccessfulItemFailsNamingTheIdAndTheCode() {
            doReturn(DeleteVpcEndpointsResponse.builder()
                    .unsuccessful(unsuccessful("vpce-2", "InvalidVpcEndpoint.NotFound"),
                            unsuccessful("vpce-1", "UnauthorizedOperation")).build())
                    .when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

            AwsRequestFailed failed = assertThrows(AwsRequestFailed.class,
                    () -> writer.delete(List.of("vpce-1", "vpce-2")));

            assertTrue(failed.getMessage().contains("vpce-1 (UnauthorizedOperation"), failed.getMessage());
            deletions(1);
            assertEquals(List.of(), pauses);
        }

        @Test
        void anUnsuccessfulItemWithoutReasonFailsToo() {
            doReturn(DeleteVpcEndpointsResponse.builder()
                    .unsuccessful(UnsuccessfulItem.builder().resourceId("vpce-1").build()).build())
                    .when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

            AwsRequestFailed failed = assertThrows(AwsRequestFailed.class, () -> writer.delete(List.of("vpce-1")));

            assertTrue(failed.getMessage().contains("vpce-1 (no reason given)"), failed.getMessage());
        }

        @Test
        void aNotFoundAnswerToTheCallItselfIsRetriedToo() {
            doThrow(ec2Error(400, "InvalidVpcEndpointId.NotFound")).doReturn(ALL_DELETED)
                    .when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

            writer.delete(List.of("vpce-1"));

            deletions(2);
            assertEquals(List.of(Duration.ofMillis(250)), pauses);
        }

        @Test
        void aThrottledDeleteIsTransient() {
            doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2)
                    .deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

            assertThrows(TransientAwsError.class, () -> writer.delete(List.of("vpce-1")));
        }
    }

    /** Rule 15 of docs/design.md: every attempt of every EC2 write asks the fence first; a refusal sends nothing. */
    @Nested
    class Fence {

        @Test
        void everyWriteAndEveryRetryOfOneAsksTheFenceFirst() {
            doReturn(CreateVpcEndpointResponse.builder().vpcEndpoint(VpcEndpoint.builder().vpcEndpointId("vpce-new")
                    .state("pending").build()).build()).when(ec2).createVpcEndpoint(any(CreateVpcEndpointRequest.class));
            doThrow(ec2Error(400, "InvalidVpcEndpointId.NotFound")).doReturn(MODIFIED)
                    .when(ec2).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));
            doReturn(CreateTagsResponse.builder().build()).when(ec2).createTags(any(CreateTagsRequest.class));
            doReturn(DeleteTagsResponse.builder().build()).when(ec2).deleteTags(any(DeleteTagsRequest.class));
            doReturn(ALL_DELETED).when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

            writer.create(SCOPE, List.of(RTB_A), PolicyWish.DEFAULT, Map.of(), EXEC);
            writer.addRouteTables("vpce-new", List.of(RTB_B));
            writer.retag("vpce-new", Map.of("team", "data"), List.of("old"));
            writer.delete(List.of("vpce-new"));

            assertEquals(List.of("EC2 CreateVpcEndpoint for [" + RTB_A + "]",
                    "EC2 ModifyVpcEndpoint vpce-new", "EC2 ModifyVpcEndpoint vpce-new",
                    "EC2 CreateTags vpce-new", "EC2 DeleteTags vpce-new", "EC2 DeleteVpcEndpoints vpce-new"), fenced,
                    "the modification EC2 did not know yet was asked for again before its retry");
        }

        @Test
        void aRefusingFenceSendsNoWriteAtAll() {
            lost = true;

            assertThrows(EndpointBusy.class, () -> writer.create(SCOPE, List.of(RTB_A), PolicyWish.DEFAULT, Map.of(),
                    EXEC));
            assertThrows(EndpointBusy.class, () -> writer.addRouteTables("vpce-1", List.of(RTB_A)));
            assertThrows(EndpointBusy.class, () -> writer.removeRouteTables("vpce-1", List.of(RTB_A)));
            assertThrows(EndpointBusy.class, () -> writer.setPolicy("vpce-1", PolicyWish.DEFAULT));
            assertThrows(EndpointBusy.class, () -> writer.retag("vpce-1", Map.of("team", "data"), List.of()));
            assertThrows(EndpointBusy.class, () -> writer.delete(List.of("vpce-1")));

            org.mockito.Mockito.verifyNoInteractions(ec2);
            assertEquals(List.of(), pauses, "a refusal is not waited out as eventual consistency");
        }
    }
}
