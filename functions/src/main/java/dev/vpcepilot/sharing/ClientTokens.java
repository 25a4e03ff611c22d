package dev.vpcepilot.sharing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code ClientToken} of CreateVpcEndpoint: unique per execution (and per endpoint it asks for), so that the
 * SDK's own retries of one call, and the state machine's retries of the step, never make a second endpoint, while
 * any other execution (a rerun after a cleanup, a rollback, a deletion by hand) makes a new one. EC2 answers a
 * repeated token with the endpoint that token made, even once that endpoint is deleted, so a token shared between
 * executions would hand a rerun a deleted endpoint. Executions that ask for the same endpoint at the same time do
 * not need a shared token: the scope's lock lets one of them create, and the others reuse.
 */
public final class ClientTokens {

    private ClientTokens() {
    }

    public static String forCreate(String executionArn, String vpcId, String serviceName, List<String> routeTableIds,
                                   String policyDocument, Map<String, String> tags) {
        StringBuilder material = new StringBuilder()
                .append(executionArn).append('|').append(vpcId).append('|').append(serviceName).append('|')
                .append(String.join(",", routeTableIds == null ? List.of() : routeTableIds.stream().sorted().toList()))
                .append('|').append(policyDocument == null ? "" : policyDocument)
                .append('|').append(new TreeMap<>(tags == null ? Map.of() : tags));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(material.toString().getBytes(StandardCharsets.UTF_8));
            return "vpce-pilot-" + HexFormat.of().formatHex(digest, 0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
