package dev.vpcepilot.sharing;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vpcepilot.json.Json;

/** Compares endpoint policies as JSON (AWS may return them re-formatted), not as text. */
public final class PolicyDocuments {

    private PolicyDocuments() {
    }

    public static boolean same(String a, String b) {
        if (a == null || b == null) {
            return a == b;
        }
        try {
            return Json.MAPPER.readTree(a).equals(Json.MAPPER.readTree(b));
        } catch (JsonProcessingException e) {
            return a.equals(b);
        }
    }
}
