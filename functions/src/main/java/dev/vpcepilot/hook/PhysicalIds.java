package dev.vpcepilot.hook;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The physical-id rules of {@code Custom::DynamoDbVpcEndpoint} (docs/design.md section 5), in one place:
 * <ul>
 *   <li>Create: the ids of the endpoints serving the route tables, or an interface endpoint's subnets (one id, or
 *       several joined by commas when an endpoint vpce-pilot did not create serves some); when it fails, a marker
 *       ({@value #FAILED_CREATE_PREFIX}execution-name) that the later Delete recognises: it undoes what that
 *       execution left for this very stack and logical id, nothing else.</li>
 *   <li>Update: the serving endpoints' ids, the same unless the VPC, the service, the route tables or subnets, or
 *       the EndpointType changed which endpoints serve (CloudFormation then deletes the old id: that Delete releases
 *       nothing the Update moved); on every failure, the event's id.</li>
 *   <li>Delete: never changes the id; of the id, only its endpoint ids ({@code vpce-...}) are released.</li>
 *   <li>A request refused before anything ran: its own id, or for a Create a marker that names no execution.</li>
 * </ul>
 */
public final class PhysicalIds {

    public static final String FAILED_CREATE_PREFIX = "vpce-pilot-failed-create:";

    private PhysicalIds() {
    }

    /** Step Functions execution names allow 80 characters of [0-9A-Za-z_-]; CloudFormation request ids are UUIDs. */
    static String executionName(CustomResourceRequest event) {
        String name = "cfn-" + event.requestId().replaceAll("[^0-9A-Za-z_-]", "-");
        return name.length() <= 80 ? name : name.substring(0, 80);
    }

    /** A Create or Update that did not succeed: the marker naming the Create's execution; the Update's own id. */
    static String afterFailure(CustomResourceRequest event) {
        return "Create".equals(event.requestType()) ? FAILED_CREATE_PREFIX + executionName(event)
                : event.physicalResourceId();
    }

    /** Any request that ended in an error: the event's id, or a marker where there is none yet (a Create). */
    static String afterError(CustomResourceRequest event) {
        if ("Create".equals(event.requestType()) || event.physicalResourceId() == null) {
            return event.requestId() == null ? FAILED_CREATE_PREFIX + "no-request"
                    : FAILED_CREATE_PREFIX + executionName(event);
        }
        return event.physicalResourceId();
    }

    /** A request refused before anything ran: its own id, or for a Create a marker that names no execution. */
    public static String ofRefused(CustomResourceRequest request) {
        return request.physicalResourceId() != null && !request.physicalResourceId().isBlank()
                ? request.physicalResourceId() : FAILED_CREATE_PREFIX + "invalid-request";
    }

    /**
     * A Create or Update that succeeded: the ids of the endpoints serving the requested places (route tables or
     * subnets), sorted; the output's single endpoint when it lists none.
     */
    static List<String> serving(List<String> servingEndpointIds, String vpcEndpointId) {
        TreeSet<String> ids = new TreeSet<>(servingEndpointIds);
        if (ids.isEmpty() && vpcEndpointId != null) {
            ids.add(vpcEndpointId);
        }
        return List.copyOf(ids);
    }

    /** The execution a failed Create's marker names, when {@code id} is one. */
    static Optional<String> markedExecution(String id) {
        return id.startsWith(FAILED_CREATE_PREFIX) ? Optional.of(id.substring(FAILED_CREATE_PREFIX.length()))
                : Optional.empty();
    }

    /** The endpoint ids a Delete's id names (one, or several joined by commas). */
    static List<String> endpointIds(String id) {
        return Arrays.stream(id.split(",")).map(String::trim).filter(s -> s.startsWith("vpce-")).toList();
    }
}
