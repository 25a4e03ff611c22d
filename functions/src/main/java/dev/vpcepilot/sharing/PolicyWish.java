package dev.vpcepilot.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.json.Json;

/**
 * What a request says about the endpoint policy: nothing ({@link #NONE}: any policy will do, a created endpoint
 * gets AWS's default), AWS's default full-access policy ({@link #DEFAULT}, input {@code "policyDocument":
 * "default"}: on an endpoint the requester holds, EC2 {@code ResetPolicy}), or a document.
 *
 * @param document the policy as JSON text when this is a document wish, else null
 * @param reset    true for {@link #DEFAULT}
 */
public record PolicyWish(String document, boolean reset) {

    public static final PolicyWish NONE = new PolicyWish(null, false);
    public static final PolicyWish DEFAULT = new PolicyWish(null, true);
    /** The input value that asks for AWS's default policy. */
    public static final String DEFAULT_KEYWORD = "default";

    public static PolicyWish of(String policyDocument) {
        if (policyDocument == null) {
            return NONE;
        }
        return DEFAULT_KEYWORD.equals(policyDocument) ? DEFAULT : new PolicyWish(policyDocument, false);
    }

    public boolean none() {
        return document == null && !reset;
    }

    /** The value as the execution input carries it (null, "default" or the document). */
    public String asInput() {
        return reset ? DEFAULT_KEYWORD : document;
    }

    /** Whether an endpoint with this policy already is what the wish asks for (NONE is always satisfied). */
    public boolean satisfiedBy(String endpointPolicy) {
        if (none()) {
            return true;
        }
        if (reset) {
            return isAwsDefault(endpointPolicy);
        }
        return PolicyDocuments.same(document, endpointPolicy) || (isAwsDefault(document) && isAwsDefault(endpointPolicy));
    }

    /**
     * AWS's default endpoint policy: absent, or one statement allowing every action on every resource to every
     * principal (EC2 shows it as {@code {"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*",
     * "Action":"*","Resource":"*"}]}}).
     */
    public static boolean isAwsDefault(String policy) {
        if (policy == null || policy.isBlank()) {
            return true;
        }
        try {
            JsonNode statements = Json.MAPPER.readTree(policy).path("Statement");
            JsonNode only = statements.isArray() && statements.size() == 1 ? statements.get(0) : statements;
            return only.isObject() && "Allow".equals(only.path("Effect").asText())
                    && star(only.get("Principal")) && star(only.get("Action")) && star(only.get("Resource"))
                    && !only.has("Condition") && !only.has("NotAction") && !only.has("NotResource");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static boolean star(JsonNode value) {
        if (value == null) {
            return false;
        }
        if (value.isArray()) {
            return value.size() == 1 && star(value.get(0));
        }
        if (value.isObject()) {
            return value.size() == 1 && value.has("AWS") && star(value.get("AWS"));
        }
        return "*".equals(value.asText());
    }

    @Override
    public String toString() {
        return none() ? "no policy wish" : reset ? "AWS's default policy" : "policy " + document;
    }
}
