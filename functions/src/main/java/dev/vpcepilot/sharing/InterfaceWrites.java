package dev.vpcepilot.sharing;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.AwsRequestFailed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.ModifyVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * The EC2 writes only interface endpoints need, for {@link EndpointWriter}: the creation of an endpoint in subnets
 * with security groups (the run's own group first when the request names none), and the deletion of the groups the
 * run made once their endpoints are gone. Every write asks the hold's {@link WriteFence} first (rule 15).
 *
 * <p>The run's own group (rule 1 of docs/design.md: tagged as owned at creation, as the endpoint is) admits TCP 443
 * from the VPC's IPv4 CIDR blocks and the request's {@code allowedCidrs}, nothing else inbound; it is deleted only
 * after its endpoint and only when it carries the ownership tag (rules 1 and 3), and a group EC2 still finds in use
 * after {@link #GROUP_WAITS} is left behind, tagged, and reported ({@link #leftBehind}), never failing the step that
 * deleted the endpoint. Every write asks the fence first (rule 15).
 */
public final class InterfaceWrites implements EndpointPlaces {

    /** The waits for a group whose endpoint's network interfaces are still being deleted (DependencyViolation). */
    static final List<Duration> GROUP_WAITS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(15));

    /**
     * Where new interface endpoints go, besides their subnets.
     *
     * @param securityGroupIds the request's groups, or null for a group of the run's own
     * @param ingressCidrs     what the run's own group admits on TCP 443: the VPC's IPv4 CIDRs and allowedCidrs
     */
    public record Spec(List<String> securityGroupIds, List<String> ingressCidrs) {

        public Spec {
            securityGroupIds = securityGroupIds == null ? null : List.copyOf(securityGroupIds);
            ingressCidrs = List.copyOf(ingressCidrs);
        }
    }

    private final Ec2Client ec2;
    private final WriteFence fence;
    private final EventualConsistency.Pause pause;
    private final Spec spec;
    private final Consumer<String> log;
    private final List<String> leftBehind = new ArrayList<>();

    public InterfaceWrites(Ec2Client ec2, WriteFence fence, EventualConsistency.Pause pause, Spec spec,
                           Consumer<String> log) {
        this.ec2 = ec2;
        this.fence = fence;
        this.pause = pause;
        this.spec = spec;
        this.log = log;
    }

    /** The owned groups this writer could not delete yet, one sentence each (for the step's report). */
    public List<String> leftBehind() {
        return List.copyOf(leftBehind);
    }

    /**
     * Creates an interface endpoint of ours in the subnets (private DNS off: DynamoDB's interface endpoints do not
     * support it), tagged at creation; its groups are the request's, or one made for it now, which goes again if
     * the endpoint cannot be created.
     */
    @Override
    public VpcEndpoint create(CreateVpcEndpointRequest.Builder endpoint, Scope scope, List<String> subnetIds,
                              String executionArn) {
        String ownGroup = spec.securityGroupIds() == null
                ? ownGroup(scope, executionArn, endpoint.build().clientToken()) : null;
        List<String> groups = ownGroup == null ? spec.securityGroupIds() : List.of(ownGroup);
        CreateVpcEndpointRequest request = endpoint.vpcEndpointType(VpcEndpointType.INTERFACE)
                .subnetIds(subnetIds)
                .securityGroupIds(groups)
                .privateDnsEnabled(false)
                .build();
        try {
            fence.beforeWrite("EC2 CreateVpcEndpoint (Interface) for " + subnetIds);
            VpcEndpoint created = AwsCalls.call("EC2 CreateVpcEndpoint", () -> ec2.createVpcEndpoint(request)
                    .vpcEndpoint());
            log.accept("Created " + created.vpcEndpointId() + " (Interface) in " + scope.vpcId() + " for " + subnetIds
                    + " with " + groups);
            return created;
        } catch (RuntimeException e) {
            if (ownGroup != null) {
                deleteGroups(List.of(ownGroup));
            }
            throw e;
        }
    }

    /** The run's own group for a new endpoint: tagged as owned at creation, TCP 443 in from the spec's CIDRs. */
    private String ownGroup(Scope scope, String executionArn, String clientToken) {
        String name = clientToken;
        List<Tag> tags = List.of(Tag.builder().key(Ownership.MANAGED_BY_KEY).value(Ownership.MANAGED_BY_VALUE).build(),
                Tag.builder().key(Ownership.EXECUTION_KEY).value(executionArn).build());
        fence.beforeWrite("EC2 CreateSecurityGroup " + name);
        String groupId = AwsCalls.callOr("EC2 CreateSecurityGroup", () -> ec2.createSecurityGroup(r -> r
                        .vpcId(scope.vpcId())
                        .groupName(name)
                        .description("vpce-pilot: HTTPS to the " + scope.serviceName() + " interface endpoint")
                        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP)
                                .tags(tags).build())).groupId(),
                Set.of("InvalidGroup.Duplicate"), () -> ownedGroupNamed(scope, name));
        try {
            fence.beforeWrite("EC2 AuthorizeSecurityGroupIngress " + groupId);
            AwsCalls.callOr("EC2 AuthorizeSecurityGroupIngress", () -> ec2.authorizeSecurityGroupIngress(r -> r
                    .groupId(groupId)
                    .ipPermissions(IpPermission.builder().ipProtocol("tcp").fromPort(443).toPort(443)
                            .ipRanges(spec.ingressCidrs().stream().map(c -> IpRange.builder().cidrIp(c)
                                    .description("HTTPS to the endpoint").build()).toList())
                            .build())), Set.of("InvalidPermission.Duplicate"), () -> null);
        } catch (RuntimeException e) {
            deleteGroups(List.of(groupId));
            throw e;
        }
        log.accept("Created security group " + groupId + " (TCP 443 from " + spec.ingressCidrs() + ")");
        return groupId;
    }

    /** A retried step finds the group its earlier attempt made (named after the execution's token). */
    private String ownedGroupNamed(Scope scope, String name) {
        List<SecurityGroup> found = AwsCalls.call("EC2 DescribeSecurityGroups", () -> ec2.describeSecurityGroups(r -> r
                .filters(Filter.builder().name("vpc-id").values(scope.vpcId()).build(),
                        Filter.builder().name("group-name").values(name).build())).securityGroups());
        return found.stream().filter(g -> Ownership.isOwned(g.tags())).map(SecurityGroup::groupId).findFirst()
                .orElseThrow(() -> new AwsRequestFailed("EC2 CreateSecurityGroup: a group named " + name + " exists in "
                        + scope.vpcId() + " without vpce-pilot's ownership tag; vpce-pilot does not use it."));
    }

    @Override
    public void add(ModifyVpcEndpointRequest.Builder request, List<String> subnetIds) {
        request.addSubnetIds(subnetIds);
    }

    @Override
    public void remove(ModifyVpcEndpointRequest.Builder request, List<String> subnetIds) {
        request.removeSubnetIds(subnetIds);
    }

    /** The groups of the endpoints that carry the ownership tag (read before the endpoints are deleted). */
    @Override
    public List<String> beforeDelete(List<String> vpcEndpointIds) {
        Set<String> groupIds = new TreeSet<>();
        for (String id : vpcEndpointIds) {
            // One by one: an endpoint EC2 does not show (yet, or any more) has no group to read, and is no error
            AwsCalls.callOr("EC2 DescribeVpcEndpoints", () -> ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(id))
                            .vpcEndpoints(), EndpointLookup.NOT_FOUND, List::<VpcEndpoint>of)
                    .forEach(e -> e.groups().stream().map(SecurityGroupIdentifier::groupId).forEach(groupIds::add));
        }
        if (groupIds.isEmpty()) {
            return List.of();
        }
        return AwsCalls.call("EC2 DescribeSecurityGroups", () -> ec2.describeSecurityGroups(r -> r
                        .groupIds(groupIds)).securityGroups()).stream()
                .filter(g -> Ownership.isOwned(g.tags()))
                .map(SecurityGroup::groupId)
                .toList();
    }

    /**
     * Deletes owned groups once nothing uses them: EC2 answers DependencyViolation while an interface of a deleted
     * endpoint remains, so each is tried again after {@link #GROUP_WAITS}; one still in use is left behind (it keeps
     * its ownership tag, so it is found again) and reported, never an error.
     */
    @Override
    public void afterDelete(List<String> groupIds) {
        deleteGroups(groupIds);
    }

    private void deleteGroups(List<String> groupIds) {
        for (String groupId : groupIds) {
            for (int attempt = 0; ; attempt++) {
                fence.beforeWrite("EC2 DeleteSecurityGroup " + groupId);
                String code = deleteGroup(groupId);
                if (code == null) {
                    log.accept("Deleted security group " + groupId);
                    break;
                }
                if (!"DependencyViolation".equals(code) || attempt >= GROUP_WAITS.size()) {
                    String sentence = "Security group " + groupId + " was left behind (tagged " + Ownership.MANAGED_BY_KEY
                            + "=" + Ownership.MANAGED_BY_VALUE + "): EC2 answered " + code + ".";
                    leftBehind.add(sentence);
                    log.accept(sentence);
                    break;
                }
                try {
                    pause.pause(GROUP_WAITS.get(attempt));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    leftBehind.add("Security group " + groupId + " was left behind: interrupted while it was in use.");
                    break;
                }
            }
        }
    }

    /**
     * Null when the group is gone (deleted now or before), else EC2's error code (a refusal leaves the group
     * behind; throttling and 5xx are the step's TransientAwsError, retried by the state machine).
     */
    private String deleteGroup(String groupId) {
        try {
            ec2.deleteSecurityGroup(r -> r.groupId(groupId));
            return null;
        } catch (SdkException e) {
            String code = AwsCalls.errorCode(e);
            if ("InvalidGroup.NotFound".equals(code)) {
                return null;
            }
            if (AwsCalls.isTransient(e)) {
                throw AwsCalls.translate("EC2 DeleteSecurityGroup", e);
            }
            return code == null ? e.getClass().getSimpleName() : code;
        }
    }
}
