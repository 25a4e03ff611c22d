package dev.vpcepilot.unit;

import static dev.vpcepilot.unit.Fixtures.PL;
import static dev.vpcepilot.unit.Fixtures.RTB_A;
import static dev.vpcepilot.unit.Fixtures.RTB_B;
import static dev.vpcepilot.unit.Fixtures.VPC;
import static dev.vpcepilot.unit.Fixtures.dynamoError;
import static dev.vpcepilot.unit.Fixtures.ec2Error;
import static dev.vpcepilot.unit.Fixtures.localRoute;
import static dev.vpcepilot.unit.Fixtures.prefixRoute;
import static dev.vpcepilot.unit.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.errors.VerificationFailed;
import dev.vpcepilot.model.EndpointState;
import dev.vpcepilot.model.ResolvedVpc;
import dev.vpcepilot.model.Verification;
import dev.vpcepilot.service.EndpointVerifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesResponse;
import software.amazon.awssdk.services.ec2.model.RouteTable;

class EndpointVerifierTest {

    private static final String VPCE = "vpce-0aaa";

    private final Ec2Client ec2 = Fixtures.ec2();
    private final DynamoDbClient dynamoDb = Fixtures.dynamoDb();
    private final EndpointVerifier verifier = new EndpointVerifier(ec2, dynamoDb);

    private static EndpointState endpoint(boolean created, boolean modified) {
        return new EndpointState(VPCE, created, true, modified, "available", List.of(RTB_A, RTB_B), 3);
    }

    private static ResolvedVpc vpc(Map<String, Map<String, String>> routes) {
        return new ResolvedVpc(VPC, true, List.of(RTB_A, RTB_B), routes);
    }

    private static final Map<String, Map<String, String>> ROUTED =
            Map.of(RTB_A, Map.of(PL, VPCE), RTB_B, Map.of(PL, VPCE));

    private void routeTables(RouteTable... tables) {
        doReturn(DescribeRouteTablesResponse.builder().routeTables(tables).build())
                .when(ec2).describeRouteTables(any(DescribeRouteTablesRequest.class));
    }

    private void tables(String... names) {
        doReturn(ListTablesResponse.builder().tableNames(names).build())
                .when(dynamoDb).listTables(any(ListTablesRequest.class));
    }

    @Test
    void aReusedUnchangedEndpointIsCheckedAgainstTheRoutesAlreadyRead() {
        tables("orders", "users");

        Verification result = verifier.verify(endpoint(false, false), vpc(ROUTED));

        assertEquals(new Verification(true, true, PL, List.of(RTB_A, RTB_B), false, 2), result);
        verify(ec2, never()).describeRouteTables(any(DescribeRouteTablesRequest.class));
    }

    @Test
    void aCreatedEndpointReadsTheRouteTablesAgain() {
        routeTables(table(RTB_A, localRoute(), prefixRoute(PL, VPCE)), table(RTB_B, prefixRoute(PL, VPCE)));
        tables();

        // the routes ResolveVpc read predate the endpoint: they must not be trusted
        Verification result = verifier.verify(endpoint(true, true), vpc(Map.of(RTB_A, Map.of(), RTB_B, Map.of())));

        assertTrue(result.routesReadAgain());
        assertEquals(PL, result.prefixListId());
        assertEquals(0, result.tableCount());
        ArgumentCaptor<DescribeRouteTablesRequest> sent = ArgumentCaptor.forClass(DescribeRouteTablesRequest.class);
        verify(ec2).describeRouteTables(sent.capture());
        assertEquals(List.of(RTB_A, RTB_B), sent.getValue().routeTableIds());
    }

    @Test
    void aModifiedReusedEndpointReadsTheRouteTablesAgain() {
        routeTables(table(RTB_A, prefixRoute(PL, VPCE)), table(RTB_B, prefixRoute(PL, VPCE)));
        tables("t");

        Verification result = verifier.verify(endpoint(false, true), vpc(Map.of(RTB_A, Map.of(PL, VPCE))));

        assertTrue(result.routesReadAgain());
        verify(ec2).describeRouteTables(any(DescribeRouteTablesRequest.class));
    }

    @Test
    void withoutRoutesFromResolveVpcTheTablesAreRead() {
        routeTables(table(RTB_A, prefixRoute(PL, VPCE)), table(RTB_B, prefixRoute(PL, VPCE)));
        tables("t");

        assertTrue(verifier.verify(endpoint(false, false), vpc(null)).routesReadAgain());
    }

    @Test
    void aTableWithoutTheRouteIsVerificationFailedNamingIt() {
        routeTables(table(RTB_A, prefixRoute(PL, VPCE)), table(RTB_B, localRoute()));

        VerificationFailed error = assertThrows(VerificationFailed.class,
                () -> verifier.verify(endpoint(true, true), vpc(null)));
        assertTrue(error.getMessage().contains(RTB_B + " has no prefix-list route to " + VPCE), error.getMessage());
        assertFalse(error.getMessage().contains(RTB_A), error.getMessage());
        verify(dynamoDb, never()).listTables(any(ListTablesRequest.class));
    }

    @Test
    void aRouteToAnotherEndpointDoesNotCount() {
        routeTables(table(RTB_A, prefixRoute(PL, VPCE)), table(RTB_B, prefixRoute(PL, "vpce-0other")));

        VerificationFailed error = assertThrows(VerificationFailed.class, () -> verifier.verify(endpoint(false, false),
                vpc(Map.of(RTB_A, Map.of(PL, VPCE), RTB_B, Map.of(PL, "vpce-0other")))));

        assertTrue(error.getMessage().contains(RTB_B + " has no prefix-list route to " + VPCE), error.getMessage());
    }

    @Test
    void routesMissingFromTheReadsOfResolveVpcAreReadAgainBeforeFailing() {
        // a concurrent execution created the endpoint after ResolveVpc read the tables; this one reused it unchanged
        routeTables(table(RTB_A, prefixRoute(PL, VPCE)), table(RTB_B, prefixRoute(PL, VPCE)));
        tables();

        Verification result = verifier.verify(endpoint(false, false), vpc(Map.of(RTB_A, Map.of(), RTB_B, Map.of())));

        assertTrue(result.routesReadAgain());
        assertEquals(PL, result.prefixListId());
        verify(ec2).describeRouteTables(any(DescribeRouteTablesRequest.class));
    }

    @Test
    void aTableThatWasNotReturnedIsVerificationFailed() {
        routeTables(table(RTB_A, prefixRoute(PL, VPCE)));

        VerificationFailed error = assertThrows(VerificationFailed.class,
                () -> verifier.verify(endpoint(true, true), vpc(null)));
        assertTrue(error.getMessage().contains(RTB_B), error.getMessage());
    }

    @Test
    void differentPrefixListsAcrossTablesAreVerificationFailed() {
        routeTables(table(RTB_A, prefixRoute(PL, VPCE)), table(RTB_B, prefixRoute("pl-0other", VPCE)));

        VerificationFailed error = assertThrows(VerificationFailed.class, () -> verifier.verify(endpoint(false, false),
                vpc(Map.of(RTB_A, Map.of(PL, VPCE), RTB_B, Map.of("pl-0other", VPCE)))));

        assertTrue(error.getMessage().contains("different prefix lists"), error.getMessage());
    }

    @Test
    void everyListTablesPageIsFollowedAndCounted() {
        List<String> startNames = new ArrayList<>();
        doAnswer(invocation -> {
            ListTablesRequest request = invocation.getArgument(0);
            startNames.add(request.exclusiveStartTableName());
            return request.exclusiveStartTableName() == null
                    ? ListTablesResponse.builder().tableNames("a", "b").lastEvaluatedTableName("b").build()
                    : "b".equals(request.exclusiveStartTableName())
                    ? ListTablesResponse.builder().tableNames("c", "d").lastEvaluatedTableName("d").build()
                    : ListTablesResponse.builder().tableNames("e").build();
        }).when(dynamoDb).listTables(any(ListTablesRequest.class));

        Verification result = verifier.verify(endpoint(false, false), vpc(ROUTED));

        assertEquals(5, result.tableCount());
        assertEquals(Arrays.asList(null, "b", "d"), startNames);
    }

    @Test
    void listTablesPagingIsBounded() {
        doReturn(ListTablesResponse.builder().tableNames("same").lastEvaluatedTableName("same").build())
                .when(dynamoDb).listTables(any(ListTablesRequest.class));

        Verification result = verifier.verify(endpoint(false, false), vpc(ROUTED));

        assertEquals(100, result.tableCount());
        verify(dynamoDb, times(100)).listTables(any(ListTablesRequest.class));
    }

    @Test
    void listTablesAccessDeniedIsVerificationFailed() {
        doThrow(dynamoError(400, "AccessDeniedException")).when(dynamoDb).listTables(any(ListTablesRequest.class));

        VerificationFailed error = assertThrows(VerificationFailed.class,
                () -> verifier.verify(endpoint(false, false), vpc(ROUTED)));
        assertTrue(error.getMessage().contains("ListTables failed: AccessDeniedException (HTTP 400)"),
                error.getMessage());
    }

    static Stream<Arguments> transientListTablesFailures() {
        return Stream.of(
                Arguments.of(dynamoError(400, "ThrottlingException")),
                Arguments.of(dynamoError(500, "InternalServerError")),
                Arguments.of(dynamoError(503, "ServiceUnavailable")),
                Arguments.of(SdkClientException.create("connection reset")));
    }

    @ParameterizedTest
    @MethodSource("transientListTablesFailures")
    void transientListTablesFailuresAreTransientAwsError(SdkException failure) {
        doThrow(failure).when(dynamoDb).listTables(any(ListTablesRequest.class));

        TransientAwsError error = assertThrows(TransientAwsError.class,
                () -> verifier.verify(endpoint(false, false), vpc(ROUTED)));
        assertTrue(error.getMessage().contains("ListTables"), error.getMessage());
    }

    @Test
    void throttledRouteTableReadIsTransient() {
        doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).describeRouteTables(any(DescribeRouteTablesRequest.class));

        assertThrows(TransientAwsError.class, () -> verifier.verify(endpoint(true, true), vpc(null)));
    }
}
