package dev.vpcepilot.local.asl;

import java.util.List;
import java.util.Set;

/** The reserved {@code States.*} error names and how a Retrier's or Catcher's {@code ErrorEquals} matches them. */
public final class ErrorNames {

    public static final String ALL = "States.ALL";
    public static final String TASK_FAILED = "States.TaskFailed";
    public static final String TIMEOUT = "States.Timeout";
    public static final String RUNTIME = "States.Runtime";
    public static final String DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";
    public static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";
    public static final String RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure";
    public static final String EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold";
    public static final String ITEM_READER_FAILED = "States.ItemReaderFailed";
    public static final String RESULT_WRITER_FAILED = "States.ResultWriterFailed";

    /** Every reserved name Step Functions defines; another {@code States.} name in ErrorEquals is invalid. */
    public static final Set<String> RESERVED = Set.of(ALL, TASK_FAILED, TIMEOUT, RUNTIME, DATA_LIMIT_EXCEEDED,
            NO_CHOICE_MATCHED, RESULT_PATH_MATCH_FAILURE, "States.HeartbeatTimeout", "States.Permissions",
            "States.BranchFailed", "States.IntrinsicFailure", "States.ParameterPathFailure",
            EXCEED_TOLERATED_FAILURE_THRESHOLD, ITEM_READER_FAILED, RESULT_WRITER_FAILED,
            "States.QueryEvaluationError", "States.Http.Socket");

    private ErrorNames() {
    }

    /**
     * Whether {@code errorEquals} matches {@code error}. {@code States.Runtime} and
     * {@code States.DataLimitExceeded} end the execution whatever the definition says: nothing matches them,
     * not even {@code States.ALL}. {@code States.TaskFailed} matches everything else except
     * {@code States.Timeout}.
     */
    public static boolean matches(List<String> errorEquals, String error) {
        if (error == null || !isCatchable(error)) {
            return false;
        }
        for (String name : errorEquals) {
            if (name.equals(error) || name.equals(ALL) || (name.equals(TASK_FAILED) && !error.equals(TIMEOUT))) {
                return true;
            }
        }
        return false;
    }

    public static boolean isCatchable(String error) {
        return !error.equals(RUNTIME) && !error.equals(DATA_LIMIT_EXCEEDED);
    }
}
