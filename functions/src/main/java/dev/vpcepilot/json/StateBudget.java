package dev.vpcepilot.json;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * What one part of an execution's state may weigh. Step Functions refuses a state's input or output larger than
 * 262,144 bytes (UTF-8). The state carries the request, the VPC, the endpoints and the verification (a verdict per
 * subnet); a part that only saves calls (route tables read by one step and reused by the next) takes at most
 * {@link #PART_BYTES}, so that two such parts leave more than half of the quota to the rest. A part that does not
 * fit is left out, and the step that would have reused it reads again.
 */
public final class StateBudget {

    /** The most one reusable part of the state may weigh, as JSON. */
    public static final int PART_BYTES = 48 * 1024;

    private StateBudget() {
    }

    /** Whether {@code value}, written as the functions write JSON, takes at most {@link #PART_BYTES}. */
    public static boolean fits(Object value) {
        try {
            return Json.MAPPER.writeValueAsBytes(value).length <= PART_BYTES;
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
