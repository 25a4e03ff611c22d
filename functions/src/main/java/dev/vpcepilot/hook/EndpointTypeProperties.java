package dev.vpcepilot.hook;

import dev.vpcepilot.errors.InvalidInput;
import java.util.List;
import java.util.Map;

/**
 * The properties that belong to one endpoint type, refused on the other before an execution starts (as the execution
 * input refuses {@code routeTableIds} with {@code Interface} and the interface keys with {@code Gateway}), in the
 * template's own words: {@code RouteTableIds} is a gateway endpoint's (route tables), {@code SubnetIds},
 * {@code SecurityGroupIds} and {@code AllowedCidrs} an interface endpoint's (network interfaces in subnets). Without
 * {@code EndpointType} the resource is a Gateway, as it always was.
 */
final class EndpointTypeProperties {

    static final String GATEWAY = "Gateway";
    static final String INTERFACE = "Interface";
    static final List<String> GATEWAY_ONLY = List.of("RouteTableIds");
    static final List<String> INTERFACE_ONLY = List.of("SubnetIds", "SecurityGroupIds", "AllowedCidrs");

    private EndpointTypeProperties() {
    }

    static void check(Map<String, Object> properties) {
        Object given = properties.get("EndpointType");
        if (given != null && !GATEWAY.equals(given) && !INTERFACE.equals(given)) {
            throw new InvalidInput("EndpointType must be Gateway or Interface (case-sensitive); got " + given
                    + ". Without it the resource is a Gateway endpoint.");
        }
        boolean anInterface = INTERFACE.equals(given);
        List<String> foreign = (anInterface ? GATEWAY_ONLY : INTERFACE_ONLY).stream()
                .filter(key -> properties.get(key) != null).toList();
        if (foreign.isEmpty()) {
            return;
        }
        if (anInterface) {
            throw new InvalidInput("RouteTableIds is for Gateway endpoints (route tables); an Interface endpoint is "
                    + "placed in subnets: give SubnetIds (at most one per Availability Zone) instead, or leave both "
                    + "out for one subnet in each zone.");
        }
        throw new InvalidInput(String.join(", ", foreign) + (foreign.size() > 1 ? " are" : " is") + " for "
                + "EndpointType Interface only; this resource is a Gateway endpoint (" + (given == null
                ? "EndpointType not given" : "EndpointType Gateway") + "). Set EndpointType: Interface, or remove "
                + String.join(", ", foreign) + ".");
    }
}
