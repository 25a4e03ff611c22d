package dev.vpcepilot.hook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.contract.ExecutionOutput;
import dev.vpcepilot.contract.InterfaceExecutionOutput;
import dev.vpcepilot.contract.InterfaceVerification;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.sharing.EndpointType;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.util.List;

/**
 * What a successful execution served, as the hook answers it, whichever endpoint type it was for: the output
 * document is read strictly as the record of the state that wrote it ({@link ExecutionOutput} from BuildOutput, or
 * {@link InterfaceExecutionOutput} from BuildInterfaceOutput, told apart by its {@code endpointType}), then reduced to
 * what the physical id, the Data, the reasons and the scope to undo need.
 *
 * @param type          the endpoint type, and so the scope (rule 4: a gateway scope and an interface scope are two)
 * @param vpcId         the VPC
 * @param serviceName   the endpoint service
 * @param places        the requested places: route tables of a gateway endpoint, subnets of an interface endpoint
 * @param servingIds    the ids of the endpoints serving them, sorted ({@link PhysicalIds#serving})
 * @param created       this execution created an endpoint
 * @param allHeld       this resource holds every serving endpoint (it may change their tags, rule 6)
 * @param prefixListId  a gateway endpoint's prefix list (else null)
 * @param endpointUrl   an interface endpoint's URL when one endpoint serves every subnet (else null)
 * @param dnsName       that endpoint's regional DNS name (else null)
 * @param claims        the claimants that need the places once the execution is done
 * @param endpoints     the serving endpoints as the output lists them, for a person
 */
record ServedResource(EndpointType type, String vpcId, String serviceName, List<String> places,
                      List<String> servingIds, boolean created, boolean allHeld, String prefixListId,
                      String endpointUrl, String dnsName, List<String> claims, JsonNode endpoints) {

    /** The output document of a successful execution, read strictly as its endpoint type's record. */
    static ServedResource read(JsonNode document) {
        if (EndpointType.ofAwsName(document.path("endpointType").asText(null)).orElse(null)
                == EndpointType.INTERFACE) {
            return of(InterfaceExecutionOutput.read(document));
        }
        return of(ExecutionOutput.read(document));
    }

    static ServedResource of(ExecutionOutput output) {
        List<String> ids = output.endpoints().stream().map(SharedEndpoints.EndpointReport::vpcEndpointId).toList();
        return new ServedResource(EndpointType.GATEWAY, output.vpcId(), output.serviceName(), output.routeTableIds(),
                PhysicalIds.serving(ids, output.vpcEndpointId()), output.created(),
                !output.endpoints().isEmpty()
                        && output.endpoints().stream().allMatch(SharedEndpoints.EndpointReport::held),
                output.prefixListId(), null, null, output.claims(), Json.MAPPER.valueToTree(output.endpoints()));
    }

    static ServedResource of(InterfaceExecutionOutput output) {
        List<String> ids = output.endpoints().stream().map(InterfaceVerification.Endpoint::vpcEndpointId).toList();
        return new ServedResource(EndpointType.INTERFACE, output.vpcId(), output.serviceName(), output.subnetIds(),
                PhysicalIds.serving(ids, output.vpcEndpointId()), output.created(),
                !output.endpoints().isEmpty()
                        && output.endpoints().stream().allMatch(InterfaceVerification.Endpoint::held),
                null, output.endpointUrl(), output.dnsNames() == null ? null : output.dnsNames().regional(),
                output.claims(), Json.MAPPER.valueToTree(output.endpoints()));
    }

    ServedResource {
        places = List.copyOf(places);
        servingIds = List.copyOf(servingIds);
        claims = List.copyOf(claims);
    }

    /** What the places are, for a person: "Route tables" or "Subnets". */
    String placesNoun() {
        return type == EndpointType.INTERFACE ? "Subnets" : "Route tables";
    }
}
