package dev.vpcepilot.hook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.fixtures.Fixtures;

/** A successful execution's output documents, as BuildOutput and BuildInterfaceOutput write them. */
final class OutputDocuments {

    static final String VPC = "vpc-0123456789abcdef0";
    static final String REGIONAL = "vpce-0b-abcdefgh.dynamodb.us-east-1.vpce.amazonaws.com";

    private static final String NO_PROBE = """
            "probe": {"ran": false, "why": "No probe is deployed in this VPC."}""";

    private OutputDocuments() {
    }

    /** A gateway endpoint's output: vpce-0a created and held by the stack, serving rtb-0a. */
    static ObjectNode gateway() {
        return (ObjectNode) Fixtures.json("""
                {"region": "us-east-1", "serviceName": "com.amazonaws.us-east-1.dynamodb", "vpcId": "%s",
                 "vpcEndpointId": "vpce-0a", "created": true, "owned": true, "routeTableIds": ["rtb-0a"],
                 "prefixListId": "pl-02cd2c6b",
                 "endpoints": [{"vpcEndpointId": "vpce-0a", "owned": true, "held": true, "routeTableIds": ["rtb-0a"]}],
                 "claims": ["stack:s|R"],
                 "verification": {"routesOk": true, "listTablesOk": true, "dataPathOk": true, "subnets": [], %s},
                 "cleanedUp": false, "cleanupDetail": "Cleanup was not requested."}
                """.formatted(VPC, NO_PROBE));
    }

    /** An interface endpoint's output: vpce-0b created and held by the stack, in two subnets, with its names. */
    static ObjectNode anInterface() {
        String names = """
                {"regional": "%s", "zonal": ["vpce-0b-abcdefgh-us-east-1a.dynamodb.us-east-1.vpce.amazonaws.com",
                 "vpce-0b-abcdefgh-us-east-1b.dynamodb.us-east-1.vpce.amazonaws.com"]}""".formatted(REGIONAL);
        return (ObjectNode) Fixtures.json("""
                {"region": "us-east-1", "serviceName": "com.amazonaws.us-east-1.dynamodb", "vpcId": "%s",
                 "endpointType": "Interface", "vpcEndpointId": "vpce-0b", "created": true, "owned": true,
                 "subnetIds": ["subnet-0a", "subnet-0b"], "securityGroupIds": ["sg-0a"],
                 "networkInterfaceIds": ["eni-0a", "eni-0b"], "dnsNames": %s, "endpointUrl": "https://%s",
                 "endpoints": [{"vpcEndpointId": "vpce-0b", "owned": true, "held": true,
                                "subnetIds": ["subnet-0a", "subnet-0b"], "securityGroupIds": ["sg-0a"],
                                "dnsNames": %s, "endpointUrl": "https://%s"}],
                 "claims": ["stack:s|R"],
                 "verification": {"interfacesOk": true, "securityGroupsOk": true, "listTablesOk": true, %s},
                 "cleanedUp": false, "cleanupDetail": "Cleanup was not requested."}
                """.formatted(VPC, names, REGIONAL, names, REGIONAL, NO_PROBE));
    }
}
