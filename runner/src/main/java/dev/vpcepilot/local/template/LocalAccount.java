package dev.vpcepilot.local.template;

import java.util.List;
import java.util.Map;

/**
 * The pseudo account and stack the local runner pretends to deploy into (moto's default account), and the region it
 * runs in unless told otherwise.
 */
public final class LocalAccount {

    public static final String ACCOUNT_ID = "123456789012";
    public static final String STACK_NAME = "vpce-pilot-local";

    private LocalAccount() {
    }

    /** The ARN partition of a region, as {@code AWS::Partition} resolves. */
    public static String partition(String region) {
        if (region.startsWith("cn-")) {
            return "aws-cn";
        }
        if (region.startsWith("us-gov-")) {
            return "aws-us-gov";
        }
        return "aws";
    }

    /** {@code AWS::URLSuffix}. */
    public static String urlSuffix(String region) {
        return region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    }

    /** {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}, else {@code us-east-1}. */
    public static String defaultRegion(Map<String, String> environment) {
        for (String variable : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return "us-east-1";
    }
}
