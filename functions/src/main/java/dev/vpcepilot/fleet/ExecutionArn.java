package dev.vpcepilot.fleet;

import dev.vpcepilot.errors.InvalidInput;

/**
 * The parts of a Step Functions execution ARN ({@code $$.Execution.Id}) the fleet needs: where it runs is its home
 * (the account whose role it uses directly, the partition its regions must be in).
 */
public record ExecutionArn(String arn, String partition, String region, String account, String name) {

    public static ExecutionArn parse(String arn) {
        String[] parts = arn == null ? new String[0] : arn.split(":", 7);
        if (parts.length < 7 || !"arn".equals(parts[0]) || !"states".equals(parts[2])
                || !parts[4].matches("\\d{12}")) {
            throw new InvalidInput("'" + arn + "' is not a Step Functions execution ARN (arn:<partition>:states:"
                    + "<region>:<account>:execution:<state machine>:<name>).");
        }
        String rest = parts[6];
        return new ExecutionArn(arn, parts[1], parts[3], parts[4], rest.substring(rest.lastIndexOf(':') + 1));
    }
}
