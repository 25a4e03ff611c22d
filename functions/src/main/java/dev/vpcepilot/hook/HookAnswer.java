package dev.vpcepilot.hook;

import java.util.Map;

/** What the hook answers CloudFormation: SUCCESS or FAILED, the physical id, a reason, and the Data map. */
public record HookAnswer(boolean success, String physicalResourceId, String reason, Map<String, String> data) {

    /** CloudFormation shows at most 4 KiB of a reason. */
    public static final int MAX_REASON_CHARS = 4000;

    public static HookAnswer success(String physicalResourceId, String reason, Map<String, String> data) {
        return new HookAnswer(true, physicalResourceId, cut(reason), data);
    }

    public static HookAnswer failed(String physicalResourceId, String reason) {
        return new HookAnswer(false, physicalResourceId, cut(reason), Map.of());
    }

    private static String cut(String reason) {
        return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS - 3) + "...";
    }
}
