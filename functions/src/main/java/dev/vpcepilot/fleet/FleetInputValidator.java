package dev.vpcepilot.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.Regions;
import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.errors.InvalidInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks a fleet execution's input (docs/design.md section 6, rule 10) strictly, before anything is read or
 * written: unknown keys, wrong types, malformed account, OU, region and VPC ids, regions of another partition, a
 * role name or external id IAM would refuse, and the policy and tags rules of the single-VPC input are all
 * {@link InvalidInput} naming what is allowed.
 */
public final class FleetInputValidator {

    public static final List<String> KEYS = List.of("accounts", "regions", "vpcs", "roleName", "externalId", "mode",
            "maxConcurrency", "toleratedFailurePercentage", "policyDocument", "tags");
    public static final int MAX_ACCOUNTS = 1000;
    public static final int MAX_PARENTS = 100;
    /** Distributed Map runs at most 10,000 child executions at once; the fleet asks for fewer. */
    public static final int MAX_CONCURRENCY = 1000;
    static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    /** Organizations' own patterns for an OU id and a root id. */
    static final Pattern PARENT = Pattern.compile("ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32}");
    /** IAM's role name: 1 to 64 of letters, digits and + = , . @ _ -. */
    static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    /** STS's external id: 2 to 1224 of letters, digits and + = , . @ : / _ -. */
    static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

    private final String homeRegion;
    private final String partition;
    private final String deployedRoleName;

    /** A validator for a deployment whose fleet role may assume roles named {@value FleetRequest#DEFAULT_ROLE_NAME}. */
    public FleetInputValidator(String homeRegion) {
        this(homeRegion, FleetRequest.DEFAULT_ROLE_NAME);
    }

    /**
     * @param homeRegion       the region the fleet runs in (its partition bounds the regions)
     * @param deployedRoleName the template's {@code FleetTargetRoleName}: the only role name the fleet's role may
     *                         assume, so the default of {@code roleName} and the only value it may have
     */
    public FleetInputValidator(String homeRegion, String deployedRoleName) {
        this.homeRegion = homeRegion;
        this.partition = Regions.partitionOf(homeRegion);
        this.deployedRoleName = deployedRoleName;
    }

    public FleetRequest validate(JsonNode input) {
        if (input == null || input.isNull() || input.isMissingNode()) {
            input = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!input.isObject()) {
            throw new InvalidInput("The fleet input must be a JSON object, but it is "
                    + InputValidator.describeType(input) + ". Allowed keys, all optional: " + String.join(", ", KEYS)
                    + ".");
        }
        List<String> unknown = new ArrayList<>();
        input.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                unknown.add(key);
            }
        });
        if (!unknown.isEmpty()) {
            throw new InvalidInput("Unknown key" + (unknown.size() > 1 ? "s " : " ") + unknown.stream()
                    .map(InputValidator::quote).toList() + " in the fleet input. Allowed keys, all optional: "
                    + String.join(", ", KEYS) + ".");
        }
        return new FleetRequest(accounts(input.get("accounts")), regions(input.get("regions")),
                VpcSelection.parse(input.get("vpcs")), roleName(input.get("roleName")),
                externalId(input.get("externalId")), mode(input.get("mode")),
                maxConcurrency(input.get("maxConcurrency")),
                tolerated(input.get("toleratedFailurePercentage")),
                InputValidator.policyDocument(input.get("policyDocument")), InputValidator.tags(input.get("tags")));
    }

    private static AccountSelection accounts(JsonNode node) {
        if (absent(node)) {
            return new AccountSelection.ThisAccount();
        }
        String allowed = "Allowed: an array of 12-digit account ids, or {\"organization\": {\"ouIds\": [\"ou-...\"], "
                + "\"excludeAccounts\": [\"111111111111\"]}}.";
        if (node.isArray()) {
            return new AccountSelection.Listed(ids("accounts", node, ACCOUNT, MAX_ACCOUNTS, "12-digit account ids",
                    allowed, false));
        }
        if (node.isObject() && node.size() == 1 && node.get("organization") != null
                && node.get("organization").isObject()) {
            JsonNode organization = node.get("organization");
            for (java.util.Iterator<String> it = organization.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!Set.of("ouIds", "excludeAccounts").contains(key)) {
                    throw new InvalidInput("Unknown key " + InputValidator.quote(key) + " in accounts.organization. "
                            + "Allowed keys: ouIds (required), excludeAccounts.");
                }
            }
            if (absent(organization.get("ouIds"))) {
                throw new InvalidInput("accounts.organization has no ouIds. " + allowed);
            }
            List<String> parents = ids("accounts.organization.ouIds", organization.get("ouIds"), PARENT, MAX_PARENTS,
                    "organizational unit ids (ou-...) or root ids (r-...)", allowed, false);
            List<String> excluded = absent(organization.get("excludeAccounts")) ? List.of()
                    : ids("accounts.organization.excludeAccounts", organization.get("excludeAccounts"), ACCOUNT,
                    MAX_ACCOUNTS, "12-digit account ids", allowed, true);
            return new AccountSelection.Organization(parents, excluded);
        }
        throw new InvalidInput("accounts is " + InputValidator.describeType(node) + ". " + allowed);
    }

    private RegionSelection regions(JsonNode node) {
        if (absent(node)) {
            return new RegionSelection.ThisRegion();
        }
        if (node.isTextual() && node.asText().equals("enabled")) {
            return new RegionSelection.Enabled();
        }
        String allowed = "Allowed: an array of region names of the " + partition + " partition (this fleet runs in "
                + homeRegion + "), or \"enabled\" for each account's enabled regions.";
        if (!node.isArray() || node.isEmpty()) {
            throw new InvalidInput("regions is " + InputValidator.describeType(node)
                    + (node.isArray() ? " with no element" : node.isTextual() ? " " + InputValidator.quote(
                    node.asText()) : "") + ". " + allowed);
        }
        TreeSet<String> names = new TreeSet<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw new InvalidInput("regions holds " + InputValidator.describeType(element) + ". " + allowed);
            }
            String region = Regions.require(element.asText(), "regions: the region");
            if (!Regions.partitionOf(region).equals(partition)) {
                throw new InvalidInput("regions lists " + region + ", a region of the " + Regions.partitionOf(region)
                        + " partition; this fleet runs in " + homeRegion + " (" + partition + "), and roles cannot be "
                        + "assumed across partitions. " + allowed);
            }
            if (!names.add(region)) {
                throw new InvalidInput("regions lists " + region + " more than once. Allowed: each region once.");
            }
        }
        return new RegionSelection.Listed(List.copyOf(names));
    }

    private String roleName(JsonNode node) {
        if (absent(node)) {
            return deployedRoleName;
        }
        if (!node.isTextual() || !ROLE_NAME.matcher(node.asText()).matches()) {
            throw new InvalidInput("roleName is " + describe(node) + ". Allowed: an IAM role name (1 to 64 letters, "
                    + "digits and + = , . @ _ -), the role target-role.yaml deploys in each account; default "
                    + deployedRoleName + ".");
        }
        // The fleet's role may assume only roles of the deployment's FleetTargetRoleName (template.yaml): any other
        // name would fail every target as TargetUnreachable after the plan, so it is refused here, by name.
        if (!node.asText().equals(deployedRoleName)) {
            throw new InvalidInput("roleName is " + describe(node) + ", but this deployment's fleet may assume only "
                    + "roles named " + deployedRoleName + " (the stack's FleetTargetRoleName parameter). Allowed: "
                    + deployedRoleName + ", or omit it; to use another name, deploy the stack with "
                    + "FleetTargetRoleName set to it.");
        }
        return node.asText();
    }

    private static String externalId(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual() || !EXTERNAL_ID.matcher(node.asText()).matches()) {
            throw new InvalidInput("externalId is " + (node.isTextual() ? "not a valid external id" : describe(node))
                    + ". Allowed: 2 to 1224 letters, digits and + = , . @ : / _ - (the value the target roles' trust "
                    + "policy requires), or omit it.");
        }
        return node.asText();
    }

    private static FleetMode mode(JsonNode node) {
        if (absent(node)) {
            return FleetMode.VERIFY;
        }
        if (!node.isTextual() || !Set.of("verify", "apply").contains(node.asText())) {
            throw new InvalidInput("mode is " + describe(node) + ". Allowed: \"verify\" (read only, the default) or "
                    + "\"apply\" (create, repair and claim).");
        }
        return FleetMode.of(node.asText());
    }

    private static int maxConcurrency(JsonNode node) {
        if (absent(node)) {
            return FleetRequest.DEFAULT_MAX_CONCURRENCY;
        }
        if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > MAX_CONCURRENCY) {
            throw new InvalidInput("maxConcurrency is " + describe(node) + ". Allowed: an integer from 1 to "
                    + MAX_CONCURRENCY + " (account-regions worked on at once); default "
                    + FleetRequest.DEFAULT_MAX_CONCURRENCY + ".");
        }
        return node.asInt();
    }

    private static double tolerated(JsonNode node) {
        if (absent(node)) {
            return 0;
        }
        if (!node.isNumber() || node.asDouble() < 0 || node.asDouble() > 100) {
            throw new InvalidInput("toleratedFailurePercentage is " + describe(node) + ". Allowed: a number from 0 "
                    + "to 100, the share of failed report lines past which the execution fails; default 0.");
        }
        return node.asDouble();
    }

    private static List<String> ids(String key, JsonNode node, Pattern pattern, int max, String what,
                                    String allowed, boolean mayBeEmpty) {
        if (!node.isArray() || (!mayBeEmpty && node.isEmpty()) || node.size() > max) {
            throw new InvalidInput(key + " must be an array of " + (mayBeEmpty ? 0 : 1) + " to " + max + " " + what
                    + ", but it is " + InputValidator.describeType(node) + (node.isArray() ? " of " + node.size() : "")
                    + ". " + allowed);
        }
        TreeSet<String> ids = new TreeSet<>();
        for (JsonNode element : node) {
            if (!element.isTextual() || !pattern.matcher(element.asText()).matches()) {
                throw new InvalidInput(key + " holds " + describe(element) + ", which is not one of the " + what
                        + ". " + allowed);
            }
            if (!ids.add(element.asText())) {
                throw new InvalidInput(key + " lists " + element.asText() + " more than once. Allowed: each id once.");
            }
        }
        return List.copyOf(ids);
    }

    private static String describe(JsonNode node) {
        return node.isTextual() ? InputValidator.quote(node.asText()) : InputValidator.describeType(node) + " "
                + (node.toString().length() > 64 ? node.toString().substring(0, 64) + "..." : node.toString());
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }
}
