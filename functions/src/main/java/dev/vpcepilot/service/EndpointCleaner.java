package dev.vpcepilot.service;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.model.CleanupResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The tutorial's {@code delete-vpc-endpoints}, made safe: deletes only endpoints that carry the ownership tag,
 * treats an endpoint that is already gone as deleted, and reads the {@code Unsuccessful} list.
 */
public final class EndpointCleaner {

    private final Ec2Client ec2;
    private final EndpointDeleter deleter;
    private final Consumer<String> log;

    public EndpointCleaner(Ec2Client ec2, Consumer<String> log) {
        this.ec2 = ec2;
        this.deleter = new EndpointDeleter(ec2);
        this.log = log;
    }

    /** Deletes the endpoint if this tool owns it. */
    public CleanupResult deleteIfOwned(String vpcEndpointId) {
        return deleteIfOwned(vpcEndpointId, Map.of());
    }

    /**
     * Deletes the endpoint if this tool owns it and it carries every one of {@code requiredTags} (the custom
     * resource uses this so that a stack deletes only the endpoint that was created for it, never one it reused).
     */
    public CleanupResult deleteIfOwned(String vpcEndpointId, Map<String, String> requiredTags) {
        VpcEndpoint endpoint = EndpointLookup.find(ec2, vpcEndpointId).orElse(null);
        if (endpoint == null || isGone(endpoint)) {
            return new CleanupResult(true, vpcEndpointId, vpcEndpointId + " was already gone.");
        }
        if (!Ownership.isOwned(endpoint.tags())) {
            log.accept("Not deleting " + vpcEndpointId + ": it has no " + Ownership.MANAGED_BY_KEY + "="
                    + Ownership.MANAGED_BY_VALUE + " tag");
            return new CleanupResult(false, vpcEndpointId, vpcEndpointId + " was not created by vpce-pilot (no "
                    + Ownership.MANAGED_BY_KEY + "=" + Ownership.MANAGED_BY_VALUE + " tag), so it was left in place.");
        }
        List<String> mismatched = requiredTags.entrySet().stream()
                .filter(required -> endpoint.tags().stream().noneMatch(
                        t -> t.key().equals(required.getKey()) && t.value().equals(required.getValue())))
                .map(Map.Entry::getKey)
                .toList();
        if (!mismatched.isEmpty()) {
            return new CleanupResult(false, vpcEndpointId, vpcEndpointId + " was not created for this resource (tags "
                    + mismatched + " do not match), so it was left in place.");
        }
        deleter.delete(List.of(vpcEndpointId));
        log.accept("Deleted " + vpcEndpointId);
        return new CleanupResult(true, vpcEndpointId, vpcEndpointId + " was deleted.");
    }

    /** Deletes every live endpoint that the given execution created (owned and tagged with it). */
    public List<String> deleteCreatedBy(String executionId) {
        List<String> ids = new ArrayList<>();
        AwsCalls.call("EC2 DescribeVpcEndpoints", () -> {
            ec2.describeVpcEndpointsPaginator(r -> r.filters(Ownership.ownedFilter(),
                    Ownership.createdByFilter(executionId))).vpcEndpoints().forEach(e -> {
                        if (!isGone(e) && Ownership.isOwned(e.tags())) {
                            ids.add(e.vpcEndpointId());
                        }
                    });
            return ids;
        });
        deleter.delete(ids);
        if (!ids.isEmpty()) {
            log.accept("Rolled back " + ids);
        }
        return ids;
    }

    private static boolean isGone(VpcEndpoint endpoint) {
        String state = endpoint.stateAsString();
        return state != null && (state.equalsIgnoreCase("deleted") || state.equalsIgnoreCase("deleting"));
    }
}
