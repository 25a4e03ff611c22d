package dev.vpcepilot.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The deterministic {@code ClientToken} for CreateVpcEndpoint: executions that ask for the same endpoint
 * within the same hour send the same token, so AWS makes one endpoint for all of them. The hour is part of
 * the token because EC2 keeps answering a token with the endpoint it made, even after that endpoint was
 * deleted: a later run must be able to create again.
 */
public final class ClientTokens {

    private ClientTokens() {
    }

    public static String forCreate(String vpcId, String serviceName, List<String> routeTableIds,
                                   String policyDocument, Map<String, String> tags, Instant now) {
        StringBuilder material = new StringBuilder()
                .append(vpcId).append('|').append(serviceName).append('|')
                .append(String.join(",", routeTableIds == null ? List.of() : routeTableIds.stream().sorted().toList()))
                .append('|').append(policyDocument == null ? "" : policyDocument)
                .append('|').append(new TreeMap<>(tags == null ? Map.of() : tags))
                .append('|').append(now.truncatedTo(ChronoUnit.HOURS));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(material.toString().getBytes(StandardCharsets.UTF_8));
            return "vpce-pilot-" + HexFormat.of().formatHex(digest, 0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
