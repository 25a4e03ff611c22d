package dev.vpcepilot.service;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.EndpointNotAvailable;
import dev.vpcepilot.model.EndpointState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * Reuse-or-create, made safe to run again and to run concurrently.
 *
 * <ol>
 *   <li>Look for a live endpoint for this VPC and service (one call). If there is one, reuse it: add the
 *       requested route tables it lacks (additive, also on endpoints someone else made), and update the policy
 *       only on endpoints this tool owns.</li>
 *   <li>Otherwise create it, tagged as owned and with the creating execution, with a deterministic
 *       {@link ClientTokens client token}.</li>
 *   <li>Converge: describe again; if concurrent executions made several, keep the oldest and delete the
 *       other owned ones, so every execution ends with, and reports, the same single endpoint.</li>
 * </ol>
 */
public final class EndpointManager {

    /** States in which an endpoint counts as existing (it may serve, or will). */
    static final List<String> LIVE_STATES = List.of("pending", "available", "pendingAcceptance");
    private static final Comparator<VpcEndpoint> OLDEST_FIRST = Comparator
            .comparing((VpcEndpoint e) -> Objects.requireNonNullElse(e.creationTimestamp(), Instant.MAX))
            .thenComparing(VpcEndpoint::vpcEndpointId);

    public record Request(String serviceName, String vpcId, List<String> routeTableIds, String policyDocument,
                          Map<String, String> tags, String executionId) {
    }

    private final Ec2Client ec2;
    private final Clock clock;
    private final Consumer<String> log;

    public EndpointManager(Ec2Client ec2, Clock clock, Consumer<String> log) {
        this.ec2 = ec2;
        this.clock = clock;
        this.log = log;
    }

    public EndpointState ensure(Request request) {
        List<VpcEndpoint> existing = liveEndpoints(request.vpcId(), request.serviceName());
        if (!existing.isEmpty()) {
            return reuse(existing.get(0), request);
        }
        VpcEndpoint mine = create(request);
        if (mine == null) {
            // Lost a race on AWS (the route tables already route the service to another endpoint): reuse that one.
            List<VpcEndpoint> now = liveEndpoints(request.vpcId(), request.serviceName());
            if (now.isEmpty()) {
                throw new EndpointNotAvailable("CreateVpcEndpoint reported a conflicting route, but no endpoint for "
                        + request.serviceName() + " exists in " + request.vpcId() + ".");
            }
            return reuse(now.get(0), request);
        }
        return converge(mine, request);
    }

    private EndpointState reuse(VpcEndpoint endpoint, Request request) {
        boolean owned = Ownership.isOwned(endpoint.tags());
        Set<String> routeTables = new LinkedHashSet<>(endpoint.routeTableIds());
        List<String> missing = request.routeTableIds().stream().filter(id -> !routeTables.contains(id)).toList();
        boolean policyChange = owned && request.policyDocument() != null
                && !PolicyDocuments.same(request.policyDocument(), endpoint.policyDocument());
        if (!missing.isEmpty() || policyChange) {
            AwsCalls.call("EC2 ModifyVpcEndpoint", () -> ec2.modifyVpcEndpoint(r -> {
                r.vpcEndpointId(endpoint.vpcEndpointId());
                if (!missing.isEmpty()) {
                    r.addRouteTableIds(missing);
                }
                if (policyChange) {
                    r.policyDocument(request.policyDocument());
                }
            }));
            routeTables.addAll(missing);
            log.accept("Reused " + endpoint.vpcEndpointId() + (missing.isEmpty() ? "" : ", added route tables " + missing)
                    + (policyChange ? ", updated its policy" : ""));
        } else {
            log.accept("Reused " + endpoint.vpcEndpointId() + " unchanged");
        }
        if (!owned && request.policyDocument() != null
                && !PolicyDocuments.same(request.policyDocument(), endpoint.policyDocument())) {
            log.accept("Left the policy of " + endpoint.vpcEndpointId() + " alone: vpce-pilot does not own it");
        }
        // An endpoint this very execution created counts as created: the state machine retries CreateEndpoint
        // after a transient error that followed the create, and the retry finds that endpoint here.
        boolean createdByThisExecution = Ownership.isCreatedBy(endpoint.tags(), request.executionId());
        return new EndpointState(endpoint.vpcEndpointId(), createdByThisExecution, owned,
                createdByThisExecution || !missing.isEmpty() || policyChange,
                endpoint.stateAsString(), List.copyOf(routeTables), 0);
    }

    private VpcEndpoint create(Request request) {
        List<Tag> tags = new ArrayList<>();
        tags.add(Tag.builder().key(Ownership.MANAGED_BY_KEY).value(Ownership.MANAGED_BY_VALUE).build());
        tags.add(Tag.builder().key(Ownership.EXECUTION_KEY).value(request.executionId()).build());
        request.tags().forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
        CreateVpcEndpointRequest.Builder create = CreateVpcEndpointRequest.builder()
                .vpcId(request.vpcId())
                .serviceName(request.serviceName())
                .vpcEndpointType(VpcEndpointType.GATEWAY)
                .routeTableIds(request.routeTableIds())
                .clientToken(ClientTokens.forCreate(request.vpcId(), request.serviceName(), request.routeTableIds(),
                        request.policyDocument(), request.tags(), clock.instant()))
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.VPC_ENDPOINT).tags(tags).build());
        if (request.policyDocument() != null) {
            create.policyDocument(request.policyDocument());
        }
        VpcEndpoint created = AwsCalls.callOr("EC2 CreateVpcEndpoint",
                () -> ec2.createVpcEndpoint(create.build()).vpcEndpoint(), Set.of("RouteAlreadyExists"), () -> null);
        if (created != null) {
            log.accept("Created " + created.vpcEndpointId() + " in " + request.vpcId());
        }
        return created;
    }

    private EndpointState converge(VpcEndpoint mine, Request request) {
        List<VpcEndpoint> live = liveEndpoints(request.vpcId(), request.serviceName());
        if (live.stream().noneMatch(e -> e.vpcEndpointId().equals(mine.vpcEndpointId()))) {
            live = new ArrayList<>(live);
            live.add(mine);
            live.sort(OLDEST_FIRST);
        }
        VpcEndpoint keeper = live.get(0);
        List<String> extras = live.stream().skip(1)
                .filter(e -> Ownership.isOwned(e.tags()) || e.vpcEndpointId().equals(mine.vpcEndpointId()))
                .map(VpcEndpoint::vpcEndpointId)
                .toList();
        if (!extras.isEmpty()) {
            log.accept("Converging: keeping " + keeper.vpcEndpointId() + ", deleting duplicates " + extras);
            new EndpointDeleter(ec2).delete(extras);
        }
        boolean keptMine = keeper.vpcEndpointId().equals(mine.vpcEndpointId());
        if (!keptMine) {
            // Another execution's (or someone's) endpoint won: reuse it, adding what this request needs.
            return reuse(keeper, request);
        }
        return new EndpointState(keeper.vpcEndpointId(), true, true, true, keeper.stateAsString(),
                keeper.routeTableIds(), 0);
    }

    /** Live endpoints for the VPC and service, oldest first (one call). */
    List<VpcEndpoint> liveEndpoints(String vpcId, String serviceName) {
        List<VpcEndpoint> found = AwsCalls.call("EC2 DescribeVpcEndpoints", () -> {
            List<VpcEndpoint> all = new ArrayList<>();
            ec2.describeVpcEndpointsPaginator(r -> r.filters(
                    Filter.builder().name("vpc-id").values(vpcId).build(),
                    Filter.builder().name("service-name").values(serviceName).build(),
                    Filter.builder().name("vpc-endpoint-state").values(LIVE_STATES).build()))
                    .vpcEndpoints().forEach(all::add);
            return all;
        });
        return found.stream()
                .filter(e -> e.vpcEndpointType() == null || e.vpcEndpointType() == VpcEndpointType.GATEWAY)
                .filter(e -> LIVE_STATES.stream().anyMatch(s -> s.equalsIgnoreCase(e.stateAsString())))
                .sorted(OLDEST_FIRST)
                .toList();
    }
}
