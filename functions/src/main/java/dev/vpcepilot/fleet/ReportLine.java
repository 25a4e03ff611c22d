package dev.vpcepilot.fleet;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vpcepilot.datapath.DataPathEvaluator;
import dev.vpcepilot.datapath.SubnetVerdict;
import java.util.List;

/**
 * One line of the fleet report (JSON Lines, one per VPC, or one per account-region that could not be reached, with
 * {@code vpcId} null). The fields and statuses are the contract of README "Fleet".
 *
 * @param status  {@link Status#wireName()}
 * @param subnets whether each subnet's traffic to the service can use the endpoint, as the survey read the VPC
 * @param actions what was done (apply) or what apply would do (verify), for a person
 * @param error   why the target failed, or null
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ReportLine(String account, String region, String vpcId, String status, List<EndpointLine> endpoints,
                         RouteTables routeTables, Subnets subnets, List<String> actions, FleetError error) {

    public ReportLine {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        actions = actions == null ? List.of() : List.copyOf(actions);
        routeTables = routeTables == null ? RouteTables.NONE : routeTables;
        subnets = subnets == null ? Subnets.NONE : subnets;
    }

    public enum Status {
        /** Served and verified; nothing done. */
        COMPLIANT,
        /** Apply created an endpoint. */
        CREATED,
        /** Apply changed an endpoint of ours (route tables added or restored, policy or tags set). */
        REPAIRED,
        /** Verify: not as asked; the actions say what apply would change. */
        DRIFTED,
        /**
         * Served as asked, yet some subnet's traffic cannot use the endpoint (a more specific route, a network ACL):
         * not the product's to change, so apply leaves it as it is and reports it blocked again.
         */
        BLOCKED,
        FAILED,
        /** Tagged {@code vpce-pilot:exclude=true}: left alone. */
        SKIPPED;

        public String wireName() {
            return name().toLowerCase();
        }
    }

    /**
     * An endpoint of the service in the VPC, as EC2 lists it.
     *
     * @param type          {@value #GATEWAY} (serves route tables: what the fleet judges and apply creates) or
     *                      {@value #INTERFACE} (AWS PrivateLink, network interfaces in subnets: listed, never counted as
     *                      serving a route table, never changed, claimed or created by the fleet)
     * @param routeTableIds the route tables it serves (none for an interface endpoint)
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record EndpointLine(String vpcEndpointId, String type, boolean owned, List<String> routeTableIds) {
        public static final String GATEWAY = "Gateway";
        public static final String INTERFACE = "Interface";

        public EndpointLine {
            routeTableIds = routeTableIds == null ? List.of() : List.copyOf(routeTableIds);
        }

        public static EndpointLine gateway(String vpcEndpointId, boolean owned, List<String> routeTableIds) {
            return new EndpointLine(vpcEndpointId, GATEWAY, owned, routeTableIds);
        }

        public static EndpointLine anInterface(String vpcEndpointId, boolean owned) {
            return new EndpointLine(vpcEndpointId, INTERFACE, owned, List.of());
        }

        @JsonIgnore
        public boolean isInterface() {
            return INTERFACE.equals(type);
        }
    }

    /**
     * @param requested the VPC's route tables (all of them: its main table and every associated one)
     * @param covered   those that route the service's prefix list to an available endpoint
     * @param missing   the others
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RouteTables(List<String> requested, List<String> covered, List<String> missing) {
        public static final RouteTables NONE = new RouteTables(List.of(), List.of(), List.of());

        public RouteTables {
            requested = requested == null ? List.of() : List.copyOf(requested);
            covered = covered == null ? List.of() : List.copyOf(covered);
            missing = missing == null ? List.of() : List.copyOf(missing);
        }
    }

    /**
     * The data path of the VPC's subnets ({@link DataPathEvaluator}).
     *
     * @param reachable   how many subnets reach the service through the endpoint
     * @param unreachable the others, by subnet id
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Subnets(int reachable, List<Unreachable> unreachable) {
        public static final Subnets NONE = new Subnets(0, List.of());

        public Subnets {
            unreachable = unreachable == null ? List.of() : List.copyOf(unreachable);
        }

        public static Subnets of(List<SubnetVerdict> verdicts) {
            return new Subnets((int) verdicts.stream().filter(SubnetVerdict::reachable).count(), verdicts.stream()
                    .filter(v -> !v.reachable())
                    .map(v -> new Unreachable(v.subnetId(), DataPathEvaluator.wire(v.verdict()), v.detail()))
                    .toList());
        }
    }

    /** A subnet whose traffic cannot use the endpoint: its verdict (as the output writes it) and what decided it. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Unreachable(String subnetId, String verdict, String detail) {
    }

    public boolean failed() {
        return Status.FAILED.wireName().equals(status);
    }

    /** The line of an account-region that could not be worked on at all. */
    public static ReportLine unreachable(String account, String region, FleetError error) {
        return new ReportLine(account, region, null, Status.FAILED.wireName(), List.of(), RouteTables.NONE,
                Subnets.NONE, List.of(), error);
    }

    public ReportLine withStatus(Status newStatus, List<EndpointLine> newEndpoints, RouteTables newTables,
                                 FleetError newError) {
        return new ReportLine(account, region, vpcId, newStatus.wireName(), newEndpoints, newTables, subnets, actions,
                newError);
    }
}
