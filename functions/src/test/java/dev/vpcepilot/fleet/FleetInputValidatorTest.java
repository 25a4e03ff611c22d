package dev.vpcepilot.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpcepilot.errors.InvalidInput;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The fleet's execution input (issue 11's contract): every key optional, everything else a named InvalidInput. */
class FleetInputValidatorTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final FleetInputValidator validator = new FleetInputValidator("us-east-1");

    private FleetRequest validate(String json) {
        try {
            return validator.validate(MAPPER.readTree(json));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anEmptyInputIsAVerifyOfThisAccountAndRegionsEveryVpc() {
        FleetRequest request = validate("{}");
        assertInstanceOf(AccountSelection.ThisAccount.class, request.accounts());
        assertInstanceOf(RegionSelection.ThisRegion.class, request.regions());
        assertEquals(FleetMode.VERIFY, request.mode());
        assertEquals(FleetRequest.DEFAULT_ROLE_NAME, request.roleName());
        assertNull(request.externalId());
        assertEquals(10, request.maxConcurrency());
        assertEquals(0.0, request.toleratedFailurePercentage());
        assertEquals(request, validator.validate(null), "no input at all is the empty input");
    }

    @Test
    void theContractsExampleIsAccepted() {
        FleetRequest request = validate("""
                { "accounts": ["222222222222", "111111111111"], "regions": ["us-east-1", "eu-west-1"],
                  "vpcs": "all", "roleName": "vpce-pilot-target", "externalId": "optional", "mode": "apply",
                  "maxConcurrency": 10, "toleratedFailurePercentage": 12.5,
                  "policyDocument": "default", "tags": {"team": "platform"} }""");
        assertEquals(new AccountSelection.Listed(List.of("111111111111", "222222222222")), request.accounts());
        assertEquals(new RegionSelection.Listed(List.of("eu-west-1", "us-east-1")), request.regions());
        assertEquals(FleetMode.APPLY, request.mode());
        assertEquals("optional", request.externalId());
        assertEquals(12.5, request.toleratedFailurePercentage());
    }

    @Test
    void anOrganizationSelectionTakesUnitsAndRootsLessTheExcluded() {
        FleetRequest request = validate("{\"accounts\": {\"organization\": {\"ouIds\": [\"ou-ab12-cdefgh34\", "
                + "\"r-ab12\"], \"excludeAccounts\": [\"333333333333\"]}}, \"regions\": \"enabled\"}");
        assertEquals(new AccountSelection.Organization(List.of("ou-ab12-cdefgh34", "r-ab12"),
                List.of("333333333333")), request.accounts());
        assertInstanceOf(RegionSelection.Enabled.class, request.regions());
    }

    @Test
    void vpcsSelectDefaultIdsOrTags() {
        assertInstanceOf(VpcSelection.class, validate("{\"vpcs\": \"default\"}").vpcs());
        assertInstanceOf(VpcSelection.class, validate("{\"vpcs\": {\"ids\": [\"vpc-0123456789abcdef0\"]}}").vpcs());
        assertInstanceOf(VpcSelection.class, validate("{\"vpcs\": {\"tags\": {\"env\": \"prod\"}}}").vpcs());
    }

    @Test
    void theRoleNameDefaultsToTheDeploymentsAndMayBeOnlyThat() {
        FleetInputValidator deployed = new FleetInputValidator("us-east-1", "platform-vpce");
        assertEquals("platform-vpce", deployed.validate(null).roleName());
        assertThrows(InvalidInput.class, () -> deployed.validate(MAPPER.createObjectNode()
                .put("roleName", FleetRequest.DEFAULT_ROLE_NAME)));
        assertEquals("vpce-pilot-target", validate("{\"roleName\": \"vpce-pilot-target\"}").roleName());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("[]", List.of("must be a JSON object", "an array", "accounts, regions, vpcs")),
                Arguments.of("{\"account\": [\"111111111111\"]}", List.of("Unknown key", "account", "Allowed keys")),
                Arguments.of("{\"accounts\": []}", List.of("accounts must be an array of 1 to 1000")),
                Arguments.of("{\"accounts\": [\"1111\"]}", List.of("accounts holds '1111'", "12-digit account ids")),
                Arguments.of("{\"accounts\": [111111111111]}", List.of("accounts holds a number")),
                Arguments.of("{\"accounts\": [\"111111111111\", \"111111111111\"]}",
                        List.of("lists 111111111111 more than once")),
                Arguments.of("{\"accounts\": \"111111111111\"}", List.of("accounts is a string", "an array of")),
                Arguments.of("{\"accounts\": {\"organization\": {}}}", List.of("has no ouIds")),
                Arguments.of("{\"accounts\": {\"organization\": {\"ouIds\": [\"ou-x\"]}}}",
                        List.of("ouIds holds 'ou-x'", "organizational unit ids")),
                Arguments.of("{\"accounts\": {\"organization\": {\"ouIds\": [\"r-ab12\"], \"skip\": []}}}",
                        List.of("Unknown key 'skip' in accounts.organization", "excludeAccounts")),
                Arguments.of("{\"accounts\": {\"org\": {}}}", List.of("accounts is an object", "organization")),
                Arguments.of("{\"regions\": []}", List.of("regions is an array with no element", "\"enabled\"")),
                Arguments.of("{\"regions\": \"all\"}", List.of("regions is a string 'all'", "\"enabled\"")),
                Arguments.of("{\"regions\": [\"xx-fake-1\"]}", List.of("xx-fake-1")),
                Arguments.of("{\"regions\": [\"cn-north-1\"]}", List.of("aws-cn partition", "across partitions")),
                Arguments.of("{\"regions\": [\"eu-west-1\", \"eu-west-1\"]}", List.of("eu-west-1 more than once")),
                Arguments.of("{\"vpcs\": \"some\"}", List.of("vpcs is 'some'")),
                Arguments.of("{\"vpcs\": {\"ids\": [\"vpc-1\"]}}", List.of("vpcs.ids holds 'vpc-1'")),
                Arguments.of("{\"vpcs\": {\"tags\": {}}}", List.of("vpcs.tags must be an object of 1 to")),
                Arguments.of("{\"roleName\": \"other-role\"}", List.of("roleName is 'other-role'",
                        "may assume only roles named vpce-pilot-target", "FleetTargetRoleName")),
                Arguments.of("{\"roleName\": \"has space\"}", List.of("roleName is 'has space'", "IAM role name")),
                Arguments.of("{\"roleName\": \"" + "r".repeat(65) + "\"}", List.of("roleName is", "1 to 64")),
                Arguments.of("{\"externalId\": \"x\"}", List.of("externalId is not a valid external id", "2 to 1224")),
                Arguments.of("{\"externalId\": 7}", List.of("externalId is a number 7")),
                Arguments.of("{\"mode\": \"delete\"}", List.of("mode is 'delete'", "\"verify\"", "\"apply\"")),
                Arguments.of("{\"maxConcurrency\": 0}", List.of("maxConcurrency is a number 0", "1 to 1000")),
                Arguments.of("{\"maxConcurrency\": 1001}", List.of("maxConcurrency is a number 1001")),
                Arguments.of("{\"maxConcurrency\": 2.5}", List.of("maxConcurrency is a number 2.5", "an integer")),
                Arguments.of("{\"toleratedFailurePercentage\": 101}", List.of("toleratedFailurePercentage is",
                        "0 to 100")),
                Arguments.of("{\"toleratedFailurePercentage\": \"5\"}", List.of("toleratedFailurePercentage is '5'")),
                Arguments.of("{\"tags\": \"team\"}", List.of("tags")),
                Arguments.of("{\"policyDocument\": 5}", List.of("policyDocument")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void badInputIsInvalidInputNamingWhatIsAllowed(String input, List<String> fragments) {
        InvalidInput refused = assertThrows(InvalidInput.class, () -> validate(input));
        for (String fragment : fragments) {
            assertTrue(refused.getMessage().contains(fragment), "\"" + fragment + "\" in: " + refused.getMessage());
        }
        assertTrue(refused.getMessage().length() < 600, refused.getMessage());
    }
}
