package dev.vpcepilot.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.withSettings;

import dev.vpcepilot.errors.TargetUnreachable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import org.mockito.Answers;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkAclsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkAclsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSubnetsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSubnetsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcsResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GetManagedPrefixListEntriesRequest;
import software.amazon.awssdk.services.ec2.model.GetManagedPrefixListEntriesResponse;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.PrefixListEntry;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * A target's reads grow with account-regions, not with VPCs or subnets (EC2's rate limits are per account and
 * region): one DescribeVpcs; one DescribeRouteTables, DescribeVpcEndpoints, DescribeSubnets and DescribeNetworkAcls
 * per 200 VPCs (EC2's limit of filter values); one GetManagedPrefixListEntries, whatever the number of VPCs; the
 * paginators' real code runs over stubbed single pages.
 */
class RegionSurveyTest {

    private static final String SERVICE = "com.amazonaws.us-east-1.dynamodb";
    private static final String PREFIX_LIST = "pl-02cd2c6b";

    private static String vpc(int i) {
        return String.format("vpc-%017x", i);
    }

    private static Ec2Client ec2WithVpcs(int count, int excludedEvery) {
        return ec2WithVpcs(count, excludedEvery, false);
    }

    /**
     * {@code count} VPCs with a route table, two subnets and a network ACL each; when {@code served}, each table
     * routes the prefix list {@value #PREFIX_LIST} to an available endpoint of the service in its VPC.
     */
    private static Ec2Client ec2WithVpcs(int count, int excludedEvery, boolean served) {
        Ec2Client ec2 = mock(Ec2Client.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));
        List<Vpc> vpcs = new ArrayList<>();
        List<RouteTable> tables = new ArrayList<>();
        List<VpcEndpoint> endpoints = new ArrayList<>();
        List<Subnet> subnets = new ArrayList<>();
        List<NetworkAcl> acls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Vpc.Builder vpc = Vpc.builder().vpcId(vpc(i));
            if (excludedEvery > 0 && i % excludedEvery == 0) {
                vpc.tags(Tag.builder().key(VpcSelection.EXCLUDE_KEY).value("true").build());
            }
            vpcs.add(vpc.build());
            RouteTable.Builder table = RouteTable.builder().vpcId(vpc(i)).routeTableId(String.format("rtb-%017x", i));
            if (served) {
                String endpoint = String.format("vpce-%017x", i);
                table.routes(Route.builder().destinationPrefixListId(PREFIX_LIST).gatewayId(endpoint)
                        .state("active").build());
                endpoints.add(VpcEndpoint.builder().vpcEndpointId(endpoint).vpcId(vpc(i)).serviceName(SERVICE)
                        .vpcEndpointType("Gateway").state("available").routeTableIds(String.format("rtb-%017x", i))
                        .build());
            }
            tables.add(table.build());
            subnets.add(Subnet.builder().vpcId(vpc(i)).subnetId(String.format("subnet-%017x", 2 * i)).build());
            subnets.add(Subnet.builder().vpcId(vpc(i)).subnetId(String.format("subnet-%017x", 2 * i + 1)).build());
            acls.add(NetworkAcl.builder().vpcId(vpc(i)).networkAclId(String.format("acl-%017x", i)).isDefault(true)
                    .build());
        }
        // doReturn: stubbing with when(...) would run the real (unsupported) method under CALLS_REAL_METHODS
        doReturn(DescribeVpcsResponse.builder().vpcs(vpcs).build()).when(ec2).describeVpcs(any(DescribeVpcsRequest.class));
        doAnswer(call -> {
            List<String> asked = call.getArgument(0, DescribeRouteTablesRequest.class).filters().get(0).values();
            return DescribeRouteTablesResponse.builder().routeTables(tables.stream()
                    .filter(t -> asked.contains(t.vpcId())).toList()).build();
        }).when(ec2).describeRouteTables(any(DescribeRouteTablesRequest.class));
        doAnswer(call -> {
            List<String> asked = call.getArgument(0, DescribeVpcEndpointsRequest.class).filters().get(0).values();
            return DescribeVpcEndpointsResponse.builder().vpcEndpoints(endpoints.stream()
                    .filter(e -> asked.contains(e.vpcId())).toList()).build();
        }).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
        doAnswer(call -> {
            List<String> asked = call.getArgument(0, DescribeSubnetsRequest.class).filters().get(0).values();
            return DescribeSubnetsResponse.builder().subnets(subnets.stream()
                    .filter(n -> asked.contains(n.vpcId())).toList()).build();
        }).when(ec2).describeSubnets(any(DescribeSubnetsRequest.class));
        doAnswer(call -> {
            List<String> asked = call.getArgument(0, DescribeNetworkAclsRequest.class).filters().get(0).values();
            return DescribeNetworkAclsResponse.builder().networkAcls(acls.stream()
                    .filter(a -> asked.contains(a.vpcId())).toList()).build();
        }).when(ec2).describeNetworkAcls(any(DescribeNetworkAclsRequest.class));
        doReturn(GetManagedPrefixListEntriesResponse.builder().entries(PrefixListEntry.builder()
                .cidr("52.94.0.0/22").build(), PrefixListEntry.builder().cidr("3.218.180.0/22").build()).build())
                .when(ec2).getManagedPrefixListEntries(any(GetManagedPrefixListEntriesRequest.class));
        return ec2;
    }

    @ParameterizedTest(name = "{0} VPCs")
    @ValueSource(ints = {5, 50, 200})
    void sixCallsWhateverTheNumberOfVpcsAndSubnets(int count) {
        Ec2Client ec2 = ec2WithVpcs(count, 0, true);
        RegionView view = new RegionSurvey(ec2, "111111111111", "us-east-1").read(new VpcSelection.All(), SERVICE);
        assertEquals(count, view.vpcs().size());
        assertEquals(count, view.routeTables().size());
        assertEquals(count, view.subnets().size());
        assertEquals(2, view.subnetsOf(vpc(count - 1)).size());
        assertEquals(count, view.networkAcls().size());
        assertEquals(Map.of(PREFIX_LIST, List.of("52.94.0.0/22", "3.218.180.0/22")), view.prefixLists());
        verify(ec2, times(1)).describeVpcs(any(DescribeVpcsRequest.class));
        verify(ec2, times(1)).describeRouteTables(any(DescribeRouteTablesRequest.class));
        verify(ec2, times(1)).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
        verify(ec2, times(1)).describeSubnets(any(DescribeSubnetsRequest.class));
        verify(ec2, times(1)).describeNetworkAcls(any(DescribeNetworkAclsRequest.class));
        ArgumentCaptor<GetManagedPrefixListEntriesRequest> entries =
                ArgumentCaptor.forClass(GetManagedPrefixListEntriesRequest.class);
        verify(ec2, times(1)).getManagedPrefixListEntries(entries.capture());
        assertEquals(PREFIX_LIST, entries.getValue().prefixListId(), "the list the routes to the endpoints name");
    }

    @Test
    void withoutARouteToAnEndpointOfTheServiceThePrefixListIsNotRead() {
        Ec2Client ec2 = ec2WithVpcs(3, 0, false);
        RegionView view = new RegionSurvey(ec2, "111111111111", "us-east-1").read(new VpcSelection.All(), SERVICE);
        assertEquals(Map.of(), view.prefixLists());
        verify(ec2, times(0)).getManagedPrefixListEntries(any(GetManagedPrefixListEntriesRequest.class));
    }

    @Test
    void moreThanTwoHundredVpcsAreReadTwoHundredAtATime() {
        Ec2Client ec2 = ec2WithVpcs(450, 0);
        RegionView view = new RegionSurvey(ec2, "111111111111", "us-east-1").read(new VpcSelection.All(), SERVICE);
        assertEquals(450, view.routeTables().size());
        ArgumentCaptor<DescribeVpcEndpointsRequest> asked = ArgumentCaptor.forClass(DescribeVpcEndpointsRequest.class);
        verify(ec2, times(3)).describeRouteTables(any(DescribeRouteTablesRequest.class));
        verify(ec2, times(3)).describeSubnets(any(DescribeSubnetsRequest.class));
        verify(ec2, times(3)).describeNetworkAcls(any(DescribeNetworkAclsRequest.class));
        verify(ec2, times(3)).describeVpcEndpoints(asked.capture());
        assertEquals(List.of(200, 200, 50), asked.getAllValues().stream()
                .map(r -> r.filters().get(0).values().size()).toList());
        assertTrue(asked.getAllValues().stream().allMatch(r -> r.filters().get(1).equals(Filter.builder()
                .name("service-name").values(SERVICE).build())), "only the service's endpoints are read");
    }

    @Test
    void anExcludedVpcIsSelectedAsExcludedAndNeitherItsTablesNorEndpointsAreRead() {
        Ec2Client ec2 = ec2WithVpcs(4, 2);
        RegionView view = new RegionSurvey(ec2, "111111111111", "us-east-1").read(new VpcSelection.All(), SERVICE);
        assertEquals(List.of(true, false, true, false), view.vpcs().stream().map(RegionView.SelectedVpc::excluded)
                .toList());
        assertEquals(List.of(vpc(1), vpc(3)), List.copyOf(view.routeTables().keySet()));
        assertEquals(List.of(vpc(1), vpc(3)), List.copyOf(view.subnets().keySet()));
        assertEquals(List.of(vpc(1), vpc(3)), List.copyOf(view.networkAcls().keySet()));
    }

    @Test
    void selectionsBecomeDescribeVpcsFilters() {
        Ec2Client ec2 = ec2WithVpcs(3, 0);
        RegionSurvey survey = new RegionSurvey(ec2, "111111111111", "us-east-1");
        survey.read(new VpcSelection.DefaultVpc(), SERVICE);
        survey.read(new VpcSelection.Tags(Map.of("env", "prod", "team", "net")), SERVICE);
        survey.read(new VpcSelection.Ids(List.of(vpc(1))), SERVICE);
        survey.read(new VpcSelection.Ids(IntStream.range(0, 201).mapToObj(RegionSurveyTest::vpc).toList()), SERVICE);
        ArgumentCaptor<DescribeVpcsRequest> asked = ArgumentCaptor.forClass(DescribeVpcsRequest.class);
        verify(ec2, times(4)).describeVpcs(asked.capture());
        assertEquals(List.of(
                List.of(Filter.builder().name("is-default").values("true").build()),
                List.of(Filter.builder().name("tag:env").values("prod").build(),
                        Filter.builder().name("tag:team").values("net").build()),
                List.of(Filter.builder().name("vpc-id").values(vpc(1)).build()),
                List.of()), asked.getAllValues().stream().map(DescribeVpcsRequest::filters).toList(),
                "more ids than a filter takes: every VPC is read and the listed ones kept");
    }

    @Test
    void aListedIdTheRegionDoesNotHaveIsNotSelected() {
        Ec2Client ec2 = ec2WithVpcs(3, 0);
        RegionView view = new RegionSurvey(ec2, "111111111111", "us-east-1")
                .read(new VpcSelection.Ids(IntStream.range(2, 203).mapToObj(RegionSurveyTest::vpc).toList()), SERVICE);
        assertEquals(List.of(vpc(2)), view.vpcs().stream().map(RegionView.SelectedVpc::vpcId).toList());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"AuthFailure", "OptInRequired", "UnauthorizedOperation"})
    void aRegionTheCredentialsCannotReadIsTargetUnreachable(String code) {
        Ec2Client ec2 = mock(Ec2Client.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));
        doThrow(Ec2Exception.builder().statusCode(401).awsErrorDetails(AwsErrorDetails.builder().errorCode(code)
                .errorMessage("no").build()).build()).when(ec2).describeVpcs(any(DescribeVpcsRequest.class));
        TargetUnreachable refused = assertThrows(TargetUnreachable.class, () ->
                new RegionSurvey(ec2, "111111111111", "ap-east-1").read(new VpcSelection.All(), SERVICE));
        assertTrue(refused.getMessage().contains("account 111111111111, region ap-east-1"), refused.getMessage());
    }
}
