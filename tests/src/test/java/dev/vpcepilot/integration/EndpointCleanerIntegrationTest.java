package dev.vpcepilot.integration;

import static dev.vpcepilot.support.MotoEc2.ownedTags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.model.CleanupResult;
import dev.vpcepilot.service.EndpointCleaner;
import dev.vpcepilot.support.MotoEc2;
import dev.vpcepilot.support.SharedMoto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DescribeVpcEndpoints with tag filters and DeleteVpcEndpoints through the real SDK client against moto_server. */
class EndpointCleanerIntegrationTest {

    private static final String RUN_A = "arn:aws:states:us-east-1:123456789012:execution:EndpointStateMachine:run-a";
    private static final String RUN_B = "arn:aws:states:us-east-1:123456789012:execution:EndpointStateMachine:run-b";

    private static MotoServer moto;
    private MotoEc2 aws;
    private EndpointCleaner cleaner;
    private final List<String> log = new ArrayList<>();
    private String vpcId;
    private String otherVpcId;

    @BeforeAll
    static void emulator() {
        moto = SharedMoto.fresh();
    }


    @BeforeEach
    void freshEmulator() {
        moto.reset();
        aws = new MotoEc2(moto.endpoint(), "us-east-1");
        cleaner = new EndpointCleaner(aws.ec2(), log::add);
        vpcId = aws.defaultVpcId();
        otherVpcId = aws.createVpc("10.50.0.0/16");
    }

    @AfterEach
    void closeClients() {
        aws.close();
    }

    @Test
    void anOwnedEndpointIsDeletedWithItsRoute() {
        String main = aws.mainRouteTableId(vpcId);
        String vpce = aws.createEndpoint(vpcId, List.of(main), ownedTags(RUN_A), null);

        CleanupResult result = cleaner.deleteIfOwned(vpce);

        assertEquals(new CleanupResult(true, vpce, vpce + " was deleted."), result);
        assertFalse(aws.isLive(vpce));
        assertEquals(Map.of(), aws.prefixListRoutes(main), "the endpoint's route went with it");
        assertTrue(log.contains("Deleted " + vpce), log::toString);
    }

    @Test
    void aForeignEndpointIsLeftInPlace() {
        String vpce = aws.createForeignEndpoint(vpcId, List.of(aws.mainRouteTableId(vpcId)));

        CleanupResult result = cleaner.deleteIfOwned(vpce);

        assertFalse(result.cleanedUp());
        assertTrue(result.detail().contains("was not created by vpce-pilot"), result.detail());
        assertTrue(aws.isLive(vpce));
    }

    @Test
    void aManagedByTagOfAnotherToolIsNotOwnership() {
        String vpce = aws.createEndpoint(vpcId, List.of(), Map.of("managed-by", "terraform"), null);

        assertFalse(cleaner.deleteIfOwned(vpce).cleanedUp());
        assertTrue(aws.isLive(vpce));
    }

    @Test
    void anAlreadyDeletedEndpointIsCleanedUp() {
        String vpce = aws.createEndpoint(vpcId, List.of(), ownedTags(RUN_A), null);
        aws.deleteEndpoint(vpce);

        CleanupResult result = cleaner.deleteIfOwned(vpce);

        assertEquals(new CleanupResult(true, vpce, vpce + " was already gone."), result);
    }

    @Test
    void anEndpointThatNeverExistedIsAlreadyGone() {
        CleanupResult result = cleaner.deleteIfOwned("vpce-0123456789abcdef0");

        assertTrue(result.cleanedUp());
        assertTrue(result.detail().contains("already gone"), result.detail());
    }

    @Test
    void requiredTagsMustAllMatch() {
        Map<String, String> forStack = new LinkedHashMap<>(ownedTags(RUN_A));
        forStack.put("vpce-pilot:stack", "arn:aws:cloudformation:us-east-1:123456789012:stack/consumer/1");
        forStack.put("vpce-pilot:logical-id", "Endpoint");
        String vpce = aws.createEndpoint(vpcId, List.of(), forStack, null);

        CleanupResult other = cleaner.deleteIfOwned(vpce, Map.of(
                "vpce-pilot:stack", "arn:aws:cloudformation:us-east-1:123456789012:stack/consumer/1",
                "vpce-pilot:logical-id", "OtherEndpoint"));
        assertFalse(other.cleanedUp());
        assertTrue(other.detail().contains("[vpce-pilot:logical-id]"), other.detail());
        assertTrue(aws.isLive(vpce));

        CleanupResult same = cleaner.deleteIfOwned(vpce, Map.of(
                "vpce-pilot:stack", "arn:aws:cloudformation:us-east-1:123456789012:stack/consumer/1",
                "vpce-pilot:logical-id", "Endpoint"));
        assertTrue(same.cleanedUp());
        assertFalse(aws.isLive(vpce));
    }

    @Test
    void deleteCreatedByDeletesOnlyThatExecutionsOwnedEndpoints() {
        String mineHere = aws.createEndpoint(vpcId, List.of(), ownedTags(RUN_A), null);
        String mineThere = aws.createEndpoint(otherVpcId, List.of(), ownedTags(RUN_A), null);
        String otherRun = aws.createEndpoint(vpcId, List.of(), ownedTags(RUN_B), null);
        // someone copied the execution tag but not the ownership tag: not ours
        String lookalike = aws.createEndpoint(vpcId, List.of(), Map.of("vpce-pilot:execution", RUN_A), null);
        String foreign = aws.createForeignEndpoint(vpcId, List.of());

        List<String> deleted = cleaner.deleteCreatedBy(RUN_A);

        assertEquals(Set.of(mineHere, mineThere), Set.copyOf(deleted));
        assertFalse(aws.isLive(mineHere));
        assertFalse(aws.isLive(mineThere));
        assertTrue(aws.isLive(otherRun));
        assertTrue(aws.isLive(lookalike));
        assertTrue(aws.isLive(foreign));

        // a second rollback finds nothing left to delete (the deleted ones are skipped)
        assertEquals(List.of(), cleaner.deleteCreatedBy(RUN_A));
    }

    @Test
    void deleteCreatedByAnExecutionThatCreatedNothingDeletesNothing() {
        String otherRun = aws.createEndpoint(vpcId, List.of(), ownedTags(RUN_B), null);

        assertEquals(List.of(), cleaner.deleteCreatedBy(RUN_A));
        assertTrue(aws.isLive(otherRun));
        assertTrue(log.isEmpty(), log::toString);
    }
}
