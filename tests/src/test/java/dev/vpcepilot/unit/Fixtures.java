package dev.vpcepilot.unit;

import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * Shared test doubles and builders for the unit tests.
 *
 * <p>SDK clients are Mockito mocks that call the interfaces' real default methods: the Consumer-builder
 * overloads the services use delegate to the request-object overloads, and the paginators iterate over the
 * request-object overloads too, so a test stubs only {@code describeX(DescribeXRequest)} (with
 * {@code doReturn/doAnswer}, since {@code when(...)} would run the real default, which throws
 * {@link UnsupportedOperationException}). Any call a test did not stub fails loudly for the same reason.
 *
 * <p>Public (the class and its client and error helpers) for the tests of the sharing package in
 * {@code dev.vpcepilot.unit.sharing}.
 */
public final class Fixtures {

    static final String REGION = "us-east-1";
    static final String SERVICE = "com.amazonaws.us-east-1.dynamodb";
    static final String VPC = "vpc-0123456789abcdef0";
    static final String RTB_A = "rtb-0000000000000000a";
    static final String RTB_B = "rtb-0000000000000000b";
    static final String RTB_C = "rtb-0000000000000000c";
    static final String PL = "pl-02cd2c6b";
    static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-1";
    /** An earlier execution: what made the owned endpoints a run finds and reuses. */
    static final String OTHER_EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-0";
    static final Instant T0 = Instant.parse("2026-01-10T10:15:00Z");

    private Fixtures() {
    }

    public static Ec2Client ec2() {
        return mock(Ec2Client.class, withSettings().defaultAnswer(CALLS_REAL_METHODS));
    }

    public static DynamoDbClient dynamoDb() {
        return mock(DynamoDbClient.class, withSettings().defaultAnswer(CALLS_REAL_METHODS));
    }

    /** A mock of the (final) client factory handing out the given mocks, as the handlers' public constructors take. */
    static AwsClients clients(Ec2Client ec2, DynamoDbClient dynamoDb) {
        AwsClients clients = mock(AwsClients.class);
        when(clients.ec2()).thenReturn(ec2);
        when(clients.dynamoDb()).thenReturn(dynamoDb);
        when(clients.region()).thenReturn(REGION);
        return clients;
    }

    public static Ec2Exception ec2Error(int status, String code) {
        return (Ec2Exception) Ec2Exception.builder()
                .statusCode(status)
                .message(code + " happened")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " happened")
                        .serviceName("Ec2").build())
                .build();
    }

    public static DynamoDbException dynamoError(int status, String code) {
        return (DynamoDbException) DynamoDbException.builder()
                .statusCode(status)
                .message(code + " happened")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " happened")
                        .serviceName("DynamoDb").build())
                .build();
    }

    static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    static List<Tag> ownedTags(String executionId) {
        return List.of(tag("managed-by", "vpce-pilot"), tag("vpce-pilot:execution", executionId));
    }

    static VpcEndpoint endpoint(String id, String state, Instant created, List<String> routeTableIds,
                                List<Tag> tags, String policy) {
        return VpcEndpoint.builder()
                .vpcEndpointId(id)
                .vpcId(VPC)
                .serviceName(SERVICE)
                .vpcEndpointType(VpcEndpointType.GATEWAY)
                .state(state)
                .creationTimestamp(created)
                .routeTableIds(routeTableIds)
                .tags(tags)
                .policyDocument(policy)
                .build();
    }

    static VpcEndpoint owned(String id, Instant created, String... routeTableIds) {
        return endpoint(id, "available", created, List.of(routeTableIds), ownedTags(OTHER_EXECUTION), null);
    }

    static VpcEndpoint foreign(String id, Instant created, String... routeTableIds) {
        return endpoint(id, "available", created, List.of(routeTableIds), List.of(tag("team", "network")), null);
    }

    static RouteTable table(String id, Route... routes) {
        return RouteTable.builder().routeTableId(id).vpcId(VPC).routes(Arrays.asList(routes)).build();
    }

    static Route prefixRoute(String prefixList, String gatewayId) {
        return Route.builder().destinationPrefixListId(prefixList).gatewayId(gatewayId).state("active").build();
    }

    static Route localRoute() {
        return Route.builder().destinationCidrBlock("172.31.0.0/16").gatewayId("local").state("active").build();
    }

    /** Filter name -> values, for asserting what a describe call asked for. */
    static Map<String, List<String>> filters(List<Filter> filters) {
        Map<String, List<String>> byName = new java.util.LinkedHashMap<>();
        filters.forEach(f -> byName.put(f.name(), f.values()));
        return byName;
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** Runs a stream handler the way the Lambda runtime does and returns what it wrote. */
    static JsonNode invoke(RequestStreamHandler handler, String input, Context context) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, context);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    /** A Lambda context whose logger collects lines into {@code sink}. */
    static Context context(List<String> sink) {
        LambdaLogger logger = new LambdaLogger() {
            @Override
            public void log(String message) {
                sink.add(message);
            }

            @Override
            public void log(byte[] message) {
                sink.add(new String(message, StandardCharsets.UTF_8));
            }
        };
        Context context = mock(Context.class);
        when(context.getLogger()).thenReturn(logger);
        return context;
    }

    static Context context() {
        return context(new ArrayList<>());
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
