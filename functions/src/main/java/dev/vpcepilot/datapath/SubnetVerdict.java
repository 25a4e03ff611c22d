package dev.vpcepilot.datapath;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Whether a subnet's traffic to the service can use the endpoint, and what decided it.
 *
 * @param subnetId     the subnet
 * @param routeTableId its effective route table (its explicit association, else the VPC's main table)
 * @param verdict      the verdict
 * @param detail       what decided it, for a person: the route and its target, or the ACL and rule number
 */
public record SubnetVerdict(String subnetId, String routeTableId, Verdict verdict, String detail) {

    /** The verdicts, as the output writes them. */
    public enum Verdict {
        /** The table routes the prefix list to a live endpoint, nothing takes any of its CIDRs, the ACL lets it pass. */
        @JsonProperty("reachable") REACHABLE,
        /** The effective table has no usable route of the prefix list to an available endpoint of the service. */
        @JsonProperty("unserved") UNSERVED,
        /** A route of the effective table takes some of the prefix list's addresses away from the endpoint. */
        @JsonProperty("overridden") OVERRIDDEN,
        /** The subnet's network ACL denies TCP 443 out to some of the prefix list's addresses. */
        @JsonProperty("nacl-egress") NACL_EGRESS,
        /** The subnet's network ACL denies the return traffic (TCP to the ephemeral ports) from some of them. */
        @JsonProperty("nacl-ingress") NACL_INGRESS
    }

    public boolean reachable() {
        return verdict == Verdict.REACHABLE;
    }
}
