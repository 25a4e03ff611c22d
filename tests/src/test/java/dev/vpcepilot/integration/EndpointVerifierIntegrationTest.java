package dev.vpcepilot.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.errors.VerificationFailed;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.model.EndpointState;
import dev.vpcepilot.model.ResolvedVpc;
import dev.vpcepilot.model.Verification;
import dev.vpcepilot.service.EndpointManager;
import dev.vpcepilot.service.EndpointVerifier;
import dev.vpcepilot.service.VpcResolver;
import dev.vpcepilot.support.MotoEc2;
import dev.vpcepilot.support.SharedMoto;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Route checks (DescribeRouteTables) and ListTables paging through the real SDK clients against moto_server. */
class EndpointVerifierIntegrationTest {

    private static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:EndpointStateMachine:v";

    private static MotoServer moto;
    private MotoEc2 aws;
    private String vpcId;
    private String main;
    private String extra;

    @BeforeAll
    static void emulator() {
        moto = SharedMoto.fresh();
    }


    @BeforeEach
    void freshEmulator() {
        moto.reset();
        aws = new MotoEc2(moto.endpoint(), "us-east-1");
        vpcId = aws.createVpc("10.40.0.0/16");
        main = aws.mainRouteTableId(vpcId);
        extra = aws.createAssociatedRouteTable(vpcId, "10.40.1.0/24");
    }

    @AfterEach
    void closeClients() {
        aws.close();
    }

    private List<String> bothTables() {
        return Stream.of(main, extra).sorted().toList();
    }

    private EndpointState ensure(List<String> routeTableIds) {
        return ensure(routeTableIds, EXECUTION);
    }

    private EndpointState ensure(List<String> routeTableIds, String executionId) {
        return new EndpointManager(aws.ec2(), Clock.systemUTC(), m -> { }).ensure(new EndpointManager.Request(
                aws.dynamoDbService(), vpcId, routeTableIds, null, Map.of(), executionId));
    }

    private EndpointVerifier verifier() {
        return new EndpointVerifier(aws.ec2(), aws.dynamoDb());
    }

    @Test
    void aCreatedEndpointIsVerifiedByReadingTheRouteTablesAgain() {
        ResolvedVpc vpc = new VpcResolver(aws.ec2()).resolve(vpcId, null);
        EndpointState endpoint = ensure(vpc.routeTableIds());
        aws.createTables("orders", 3);

        Verification verification = verifier().verify(endpoint, vpc);

        String prefixList = aws.prefixListRoutes(main).keySet().iterator().next();
        assertTrue(prefixList.startsWith("pl-"), prefixList);
        assertEquals(new Verification(true, true, prefixList, bothTables(), true, 3), verification);
    }

    @Test
    void aReusedUnchangedEndpointIsVerifiedWithTheRoutesResolveVpcRead() {
        EndpointState created = ensure(bothTables());
        ResolvedVpc vpc = new VpcResolver(aws.ec2()).resolve(vpcId, null);
        EndpointState reused = ensure(vpc.routeTableIds(), EXECUTION + "-rerun");

        Verification verification = verifier().verify(reused, vpc);

        assertFalse(reused.created());
        assertEquals(created.vpcEndpointId(), reused.vpcEndpointId());
        assertTrue(verification.routesOk());
        assertFalse(verification.routesReadAgain(), "the routes read after the endpoint existed are current");
        assertEquals(0, verification.tableCount());
    }

    @Test
    void aRouteTableWithoutTheRouteIsVerificationFailedNamingIt() {
        EndpointState endpoint = ensure(List.of(main));
        ResolvedVpc vpc = new ResolvedVpc(vpcId, false, bothTables(), null);

        VerificationFailed error = assertThrows(VerificationFailed.class, () -> verifier().verify(endpoint, vpc));

        assertTrue(error.getMessage().contains(extra + " has no prefix-list route to " + endpoint.vpcEndpointId()),
                error.getMessage());
        assertFalse(error.getMessage().contains(main + " has no"), error.getMessage());
    }

    @Test
    void aRouteDeletedByHandIsVerificationFailed() {
        EndpointState endpoint = ensure(bothTables());
        aws.deletePrefixListRoutes(extra);

        VerificationFailed error = assertThrows(VerificationFailed.class,
                () -> verifier().verify(endpoint, new ResolvedVpc(vpcId, false, bothTables(), null)));

        assertTrue(error.getMessage().contains(extra + " has no prefix-list route"), error.getMessage());
    }

    @Test
    void listTablesFollowsEveryPage() {
        EndpointState endpoint = ensure(bothTables());
        aws.createTables("t", 105); // moto answers at most 100 names per ListTables page

        Verification verification = verifier().verify(endpoint, new ResolvedVpc(vpcId, false, bothTables(), null));

        assertEquals(105, verification.tableCount());
        assertTrue(verification.listTablesOk());
        assertEquals(100, aws.dynamoDb().listTables(r -> { }).tableNames().size(), "the first page alone holds 100");
    }
}
