package dev.vpcepilot.sharing;

import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.EndpointBusy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItem;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The EC2 writes on endpoints, each as one call with typed errors. Callers ({@link SharedEndpoints}) decide with
 * {@link SharingRules} what to write, under the scope's lock; the IAM policies of the template refuse the same
 * writes on endpoints without the ownership tag. Calls that name an endpoint we created or just observed go
 * through {@link EventualConsistency}. Every attempt of every write asks the hold's {@link WriteFence} first (rule 15
 * of docs/design.md): a step that cannot prove its lease sends nothing more.
 */
public final class EndpointWriter {

    private final Ec2Client ec2;
    private final EventualConsistency consistency;
    private final WriteFence fence;
    private final Consumer<String> log;
    /** Route tables for a gateway scope; subnets (and the security groups) for an interface scope. */
    private final EndpointPlaces places;

    /** The writer of a gateway scope (places: route tables). */
    public EndpointWriter(Ec2Client ec2, EventualConsistency consistency, WriteFence fence, Consumer<String> log) {
        this(ec2, consistency, fence, log, new RouteTablePlaces(ec2, fence, log));
    }

    /** The writer of an interface scope: its places are subnets, and {@code interfaces} makes its endpoints. */
    public EndpointWriter(Ec2Client ec2, EventualConsistency consistency, WriteFence fence, Consumer<String> log,
                          InterfaceWrites interfaces) {
        this(ec2, consistency, fence, log, (EndpointPlaces) interfaces);
    }

    private EndpointWriter(Ec2Client ec2, EventualConsistency consistency, WriteFence fence, Consumer<String> log,
                           EndpointPlaces places) {
        this.ec2 = ec2;
        this.consistency = consistency;
        this.fence = fence;
        this.log = log;
        this.places = places;
    }

    /** A write on an existing endpoint, each attempt behind the fence (rule 15). */
    private <T> T onExisting(String operation, String vpcEndpointId, Supplier<T> call) {
        return consistency.onExisting(operation, vpcEndpointId, () -> {
            fence.beforeWrite(operation + " " + vpcEndpointId);
            return call.get();
        });
    }

    /**
     * Creates an endpoint of ours at the places (route tables, or an interface scope's subnets): tagged as owned and
     * with the creating execution at creation (tag-on-create, as IAM requires), with a token unique to the execution.
     *
     * @throws EndpointBusy if a route table was given a route to the service meanwhile by a writer outside
     *                      vpce-pilot (EC2's {@code RouteAlreadyExists}): the step is retried and decides again
     */
    public VpcEndpoint create(Scope scope, List<String> routeTableIds, PolicyWish policy, Map<String, String> userTags,
                              String executionArn) {
        List<Tag> tags = new ArrayList<>();
        tags.add(Tag.builder().key(Ownership.MANAGED_BY_KEY).value(Ownership.MANAGED_BY_VALUE).build());
        tags.add(Tag.builder().key(Ownership.EXECUTION_KEY).value(executionArn).build());
        (userTags == null ? Map.<String, String>of() : userTags)
                .forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
        CreateVpcEndpointRequest.Builder create = CreateVpcEndpointRequest.builder()
                .vpcId(scope.vpcId())
                .serviceName(scope.serviceName())
                .clientToken(ClientTokens.forCreate(executionArn, scope.vpcId(), scope.serviceName(), routeTableIds,
                        policy.document(), userTags))
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.VPC_ENDPOINT).tags(tags).build());
        if (policy.document() != null) {
            create.policyDocument(policy.document());
        }
        return places.create(create, scope, routeTableIds, executionArn);
    }

    /** Adds places: route tables to a gateway endpoint, subnets to an interface endpoint. */
    public void addRouteTables(String vpcEndpointId, List<String> routeTableIds) {
        onExisting("EC2 ModifyVpcEndpoint", vpcEndpointId, () -> ec2.modifyVpcEndpoint(r -> {
            r.vpcEndpointId(vpcEndpointId);
            places.add(r, routeTableIds);
        }));
        log.accept("Added " + routeTableIds + " to " + vpcEndpointId);
    }

    /** Removes places: route tables from a gateway endpoint, subnets from an interface endpoint. */
    public void removeRouteTables(String vpcEndpointId, List<String> routeTableIds) {
        onExisting("EC2 ModifyVpcEndpoint", vpcEndpointId, () -> ec2.modifyVpcEndpoint(r -> {
            r.vpcEndpointId(vpcEndpointId);
            places.remove(r, routeTableIds);
        }));
        log.accept("Removed " + routeTableIds + " from " + vpcEndpointId);
    }

    /** A table associated with our endpoint but without its route: associating it again makes EC2 add the route. */
    public void repair(String vpcEndpointId, String routeTableId) {
        removeRouteTables(vpcEndpointId, List.of(routeTableId));
        addRouteTables(vpcEndpointId, List.of(routeTableId));
        log.accept("Repaired the route of " + routeTableId + " to " + vpcEndpointId);
    }

    public void setPolicy(String vpcEndpointId, PolicyWish wish) {
        onExisting("EC2 ModifyVpcEndpoint", vpcEndpointId, () -> ec2.modifyVpcEndpoint(r -> {
            r.vpcEndpointId(vpcEndpointId);
            if (wish.reset()) {
                r.resetPolicy(true);
            } else {
                r.policyDocument(wish.document());
            }
        }));
        log.accept((wish.reset() ? "Reset the policy of " : "Changed the policy of ") + vpcEndpointId);
    }

    /** Puts back a policy this execution changed (rollback). */
    public void restorePolicy(String vpcEndpointId, String previous) {
        setPolicy(vpcEndpointId, PolicyWish.isAwsDefault(previous) ? PolicyWish.DEFAULT : PolicyWish.of(previous));
    }

    public void retag(String vpcEndpointId, Map<String, String> set, List<String> remove) {
        if (!set.isEmpty()) {
            onExisting("EC2 CreateTags", vpcEndpointId, () -> ec2.createTags(r -> r.resources(vpcEndpointId)
                    .tags(set.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                            .toList())));
        }
        if (!remove.isEmpty()) {
            onExisting("EC2 DeleteTags", vpcEndpointId, () -> ec2.deleteTags(r -> r.resources(vpcEndpointId)
                    .tags(remove.stream().map(k -> Tag.builder().key(k).build()).toList())));
        }
        log.accept("Tagged " + vpcEndpointId + ": set " + set.keySet() + ", removed " + remove);
    }

    /**
     * Deletes endpoints that exist (observed under the lock, or created by this execution). DeleteVpcEndpoints
     * succeeds even when it deletes nothing and lists the failures under {@code Unsuccessful}: an id EC2 does not
     * know there is "not visible yet" and tried again; any other failure is an error.
     */
    public void delete(List<String> vpcEndpointIds) {
        // What goes with the endpoints (an interface endpoint's own security groups) is read while they exist
        List<String> belongings = places.beforeDelete(vpcEndpointIds);
        deleteEndpoints(vpcEndpointIds);
        if (!belongings.isEmpty()) {
            places.afterDelete(belongings);
        }
    }

    private void deleteEndpoints(List<String> vpcEndpointIds) {
        List<String> pending = List.copyOf(vpcEndpointIds);
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            List<String> ids = pending;
            DeleteVpcEndpointsResponse response = onExisting("EC2 DeleteVpcEndpoints",
                    String.join(", ", ids), () -> ec2.deleteVpcEndpoints(r -> r.vpcEndpointIds(ids)));
            List<String> notVisible = new ArrayList<>();
            List<UnsuccessfulItem> failures = new ArrayList<>();
            for (UnsuccessfulItem item : response.unsuccessful()) {
                if (item.error() != null && EndpointLookup.NOT_FOUND.contains(item.error().code())) {
                    notVisible.add(item.resourceId());
                } else {
                    failures.add(item);
                }
            }
            if (!failures.isEmpty()) {
                StringBuilder message = new StringBuilder("DeleteVpcEndpoints could not delete:");
                for (UnsuccessfulItem item : failures) {
                    message.append(' ').append(item.resourceId()).append(" (").append(item.error() == null
                            ? "no reason given" : item.error().code() + ": " + item.error().message()).append(')');
                }
                throw new AwsRequestFailed(message.toString());
            }
            ids.stream().filter(id -> !notVisible.contains(id)).forEach(id -> log.accept("Deleted " + id));
            pending = notVisible;
            if (!pending.isEmpty() && !consistency.backOff(attempt)) {
                throw EventualConsistency.notVisible("EC2 DeleteVpcEndpoints", String.join(", ", pending));
            }
        }
    }
}
