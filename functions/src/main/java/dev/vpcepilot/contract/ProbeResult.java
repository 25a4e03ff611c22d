package dev.vpcepilot.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the probe inside the VPC found ({@code verification.probe}): {@code {"ran": true, "listTablesOk": true,
 * "where": "vpc"}} when DynamoDB answered a request its role allows only through an endpoint of that VPC
 * ({@code "where": "local"} when {@code ./run-local --probe} ran it outside any VPC), else {@code {"ran": false,
 * "why": "..."}} (the state machine's {@code ProbeDidNotRun} writes that one).
 *
 * @param ran          the probe was invoked and DynamoDB answered it
 * @param listTablesOk DynamoDB answered ListTables (present when {@code ran})
 * @param where        {@code vpc} on AWS, {@code local} under the local runner (present when {@code ran})
 * @param why          why the probe did not run (present when not {@code ran})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeResult(boolean ran, Boolean listTablesOk, String where, String why) {

    public static final String IN_VPC = "vpc";
    public static final String LOCAL = "local";

    public static ProbeResult answered(String where) {
        return new ProbeResult(true, true, where, null);
    }
}
