package dev.vpcepilot.sharing;

import static dev.vpcepilot.sharing.SharingFixtures.AWS_DEFAULT;
import static dev.vpcepilot.sharing.SharingFixtures.POLICY_P1;
import static dev.vpcepilot.sharing.SharingFixtures.POLICY_P2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyWishTest {

    @Test
    void theInputValueSaysWhichWish() {
        assertSame(PolicyWish.NONE, PolicyWish.of(null));
        assertSame(PolicyWish.DEFAULT, PolicyWish.of("default"));
        PolicyWish document = PolicyWish.of(POLICY_P1);
        assertEquals(POLICY_P1, document.document());
        assertFalse(document.reset());
        assertFalse(document.none());
        assertTrue(PolicyWish.NONE.none());
        assertFalse(PolicyWish.DEFAULT.none());
        // Only the exact keyword asks for a reset.
        assertFalse(PolicyWish.of("Default").reset());
    }

    @Test
    void theWishGoesBackIntoTheExecutionInputAsItCame() {
        assertNull(PolicyWish.NONE.asInput());
        assertEquals("default", PolicyWish.DEFAULT.asInput());
        assertEquals(POLICY_P1, PolicyWish.of(POLICY_P1).asInput());
        for (String input : new String[] {null, "default", POLICY_P1}) {
            assertEquals(PolicyWish.of(input), PolicyWish.of(PolicyWish.of(input).asInput()));
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {POLICY_P1, AWS_DEFAULT, "not json"})
    void noWishIsSatisfiedByAnything(String endpointPolicy) {
        assertTrue(PolicyWish.NONE.satisfiedBy(endpointPolicy));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            AWS_DEFAULT,
            "  ",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
            "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}}",
            "{\"Statement\":[{\"Sid\":\"all\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":[\"*\"],\"Resource\":[\"*\"]}]}",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"*\"]},\"Action\":\"*\",\"Resource\":\"*\"}]}"})
    void awsDefaultPolicyInAnyOfItsSpellingsSatisfiesDefault(String endpointPolicy) {
        assertTrue(PolicyWish.isAwsDefault(endpointPolicy));
        assertTrue(PolicyWish.DEFAULT.satisfiedBy(endpointPolicy));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            POLICY_P1,
            "{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\","
                    + "\"Condition\":{\"StringEquals\":{\"aws:SourceVpc\":\"vpc-1\"}}}]}",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":\"dynamodb:DeleteTable\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"*\",\"Resource\":\"*\"}]}",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"*\",\"dynamodb:GetItem\"],\"Resource\":\"*\"}]}",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"},"
                    + "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"dynamodb:DeleteTable\",\"Resource\":\"*\"}]}",
            "{\"Statement\":[]}",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
            "not json"})
    void anythingNarrowerOrUnreadableIsNotTheDefault(String endpointPolicy) {
        assertFalse(PolicyWish.isAwsDefault(endpointPolicy));
        assertFalse(PolicyWish.DEFAULT.satisfiedBy(endpointPolicy));
    }

    @Test
    void aDocumentIsSatisfiedByTheSameJsonHoweverFormatted() {
        String reformatted = POLICY_P1.replace(",", " ,\n  ").replace("{", "{ ");

        assertTrue(PolicyWish.of(POLICY_P1).satisfiedBy(reformatted));
        assertFalse(PolicyWish.of(POLICY_P1).satisfiedBy(POLICY_P2));
        assertFalse(PolicyWish.of(POLICY_P1).satisfiedBy(null), "no policy is AWS's default, not P1");
    }

    @Test
    void aFullAccessDocumentIsSatisfiedByAwsDefaultInAnotherSpelling() {
        String fullAccess2012 = AWS_DEFAULT.replace("2008-10-17", "2012-10-17");

        assertTrue(PolicyWish.of(fullAccess2012).satisfiedBy(AWS_DEFAULT));
        assertTrue(PolicyWish.of(fullAccess2012).satisfiedBy(null));
    }

    @Test
    void itDescribesItselfForAPerson() {
        assertEquals("no policy wish", PolicyWish.NONE.toString());
        assertEquals("AWS's default policy", PolicyWish.DEFAULT.toString());
        assertEquals("policy " + POLICY_P1, PolicyWish.of(POLICY_P1).toString());
    }
}
