package dev.vpcepilot.sharing;

import static dev.vpcepilot.sharing.SharingFixtures.EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.STACK_X_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClaimantTest {

    @Test
    void theStandingUse() {
        Claimant standing = Claimant.STANDING;

        assertEquals("standing", standing.id());
        assertEquals("standing", standing.toString());
        assertTrue(standing.describe().contains("standing use"), standing.describe());
        assertTrue(standing.describe().contains("\"release\": true"), standing.describe());
        assertSame(Claimant.STANDING, Claimant.parse("standing"), "read back from the claims document, it is the same");
    }

    @Test
    void aStackResource() {
        Claimant.Stack stack = Claimant.stack(STACK_X_ID, "DynamoDbEndpoint");

        assertEquals("stack:" + STACK_X_ID + "|DynamoDbEndpoint", stack.id());
        assertEquals(stack.id(), stack.toString());
        assertEquals("stack " + STACK_X_ID + " (resource DynamoDbEndpoint)", stack.describe());
        assertNotEquals(stack, Claimant.stack(STACK_X_ID, "OtherEndpoint"), "two resources of a stack claim apart");
        Claimant.Stack back = assertInstanceOf(Claimant.Stack.class, Claimant.parse(stack.id()));
        assertEquals(STACK_X_ID, back.stackId());
        assertEquals("DynamoDbEndpoint", back.logicalResourceId());
    }

    @Test
    void aRunInProgress() {
        Claimant.Run run = Claimant.run(EXEC);

        assertEquals("run:" + EXEC, run.id());
        assertEquals(run.id(), run.toString());
        assertEquals(EXEC, assertInstanceOf(Claimant.Run.class, Claimant.parse(run.id())).executionArn());
        assertEquals("the run in progress " + EXEC, run.describe());
    }

    /** The ids are the keys of the claims in the lock table: each claimant is read back as itself. */
    @ParameterizedTest
    @ValueSource(strings = {"standing", "run:" + EXEC, "stack:" + STACK_X_ID + "|Endpoint",
            "stack:arn:aws:cloudformation:us-east-1:123456789012:stack/a-b/0f1e|Db1"})
    void anIdRoundTrips(String id) {
        Claimant claimant = Claimant.parse(id);

        assertEquals(id, claimant.id());
        assertEquals(claimant, Claimant.parse(claimant.id()));
    }

    @Test
    void theKindsAreTellingApart() {
        assertInstanceOf(Claimant.Standing.class, Claimant.parse("standing"));
        assertInstanceOf(Claimant.Stack.class, Claimant.parse(Claimant.stack(STACK_X_ID, "E").id()));
        assertInstanceOf(Claimant.Run.class, Claimant.parse(Claimant.run(EXEC).id()));
        assertNotEquals(Claimant.run(EXEC), Claimant.run("arn:aws:states:us-east-1:123456789012:execution:x:y"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"someone", "", "stack:no-bar", "Standing", "stand"})
    void anIdNoClaimantHasIsRefused(String id) {
        assertThrows(IllegalArgumentException.class, () -> Claimant.parse(id));
    }

    @Test
    void anIdOfALaterVersionIsNoClaimantOfThisOneAndDescribesAsItself() {
        assertEquals(java.util.Optional.empty(), Claimant.fromId("fleet:someone"));
        assertEquals("fleet:someone", Claimant.describe("fleet:someone"));
        assertEquals(Claimant.run(EXEC).describe(), Claimant.describe("run:" + EXEC));
    }

    @Test
    void anIdIsRequired() {
        assertThrows(NullPointerException.class, () -> Claimant.parse(null));
    }
}
