package dev.vpcepilot.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * What every child execution of the fleet's Map is given besides its target: the validated request, in the input's
 * own spelling.
 *
 * @param mode           {@code verify} or {@code apply}
 * @param vpcs           the VPC selection as {@link VpcSelection#toJson()} writes it
 * @param externalId     or null
 * @param policyDocument the policy wish (JSON text or {@code "default"}), or null
 * @param tags           the tags wish, or null
 */
public record TargetRequest(String mode, JsonNode vpcs, String roleName, String externalId, String policyDocument,
                            Map<String, String> tags) {

    public static TargetRequest of(FleetRequest request) {
        return new TargetRequest(request.mode().wireName(), request.vpcs().toJson(), request.roleName(),
                request.externalId(), request.policyDocument(), request.tags());
    }

    public FleetMode fleetMode() {
        return FleetMode.of(mode);
    }

    public VpcSelection selection() {
        return VpcSelection.parse(vpcs);
    }
}
