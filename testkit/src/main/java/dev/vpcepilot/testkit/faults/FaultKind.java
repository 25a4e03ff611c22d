package dev.vpcepilot.testkit.faults;

import java.util.Locale;

/** The faults the proxy can inject. */
public enum FaultKind {
    /** The service's own throttling error for the protocol (the SDK sees {@code isThrottlingException()}). */
    THROTTLE,
    /** An HTTP 500 internal error in the protocol's error format. */
    ERROR,
    /** The connection is closed after the request is read, without any response (an I/O error for the client). */
    DROP,
    /**
     * A fixed delay of the answer (the upstream one or another fault's), or a hold of the request until a gate opens
     * ({@link FaultRule#holdFirst}).
     */
    LATENCY,
    /**
     * EC2 does not know an endpoint id yet that CreateVpcEndpoint just returned (EC2's eventual consistency): the
     * call answers {@code InvalidVpcEndpointId.NotFound}, or for DeleteVpcEndpoints lists the id as unsuccessful
     * with {@code InvalidVpcEndpoint.NotFound}; see {@link FaultRule#endpointNotFoundFirst(int)}.
     */
    NOT_FOUND,
    /**
     * A policy refuses the call: STS refuses to assume a role of one account ({@code AccessDenied}, HTTP 403: the role
     * is not deployed there, or its trust does not name the caller; moto assumes any role), see
     * {@link FaultRule#denyAssumeRole(String)}; or any action answers the protocol's access-denied error, see
     * {@link FaultRule#accessDenied()}.
     */
    ACCESS_DENIED;

    /**
     * The lower-case name used in JSON ({@code throttle}, {@code error}, {@code drop}, {@code latency},
     * {@code not_found}, {@code access_denied}).
     */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
