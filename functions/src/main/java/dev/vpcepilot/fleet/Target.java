package dev.vpcepilot.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One item of the fleet's Distributed Map: an account and region, worked on by one child execution.
 *
 * @param region  the region, or null when the account's enabled regions could not be read ({@code problem} says why)
 * @param problem why the target cannot be worked on, found while planning (the child reports it as failed), or null
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Target(String account, String region, FleetError problem) {
}
