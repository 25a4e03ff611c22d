package dev.vpcepilot.sharing;

import static dev.vpcepilot.sharing.SharingFixtures.EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.STACK_X_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClaimantTest {

    @Test
    void theStandingUse() {
        Claimant standing = Claimant.STANDING;

        assertEquals("standing", standing.id());
        assertTrue(standing.isStanding());
        assertFalse(standing.isStack());
        assertFalse(standing.isRun());
        assertNull(standing.executionArn());
        assertTrue(standing.describe().contains("standing use"), standing.describe());
        assertTrue(standing.describe().contains("\"release\": true"), standing.describe());
        assertEquals(standing, new Claimant("standing"), "read back from the claims document, it is the same");
    }

    @Test
    void aStackResource() {
        Claimant stack = Claimant.stack(STACK_X_ID, "DynamoDbEndpoint");

        assertEquals("stack:" + STACK_X_ID + "|DynamoDbEndpoint", stack.id());
        assertTrue(stack.isStack());
        assertFalse(stack.isStanding());
        assertFalse(stack.isRun());
        assertNull(stack.executionArn());
        assertEquals("stack " + STACK_X_ID + " (resource DynamoDbEndpoint)", stack.describe());
        assertNotEquals(stack, Claimant.stack(STACK_X_ID, "OtherEndpoint"), "two resources of a stack claim apart");
        assertEquals(stack, new Claimant(stack.id()));
    }

    @Test
    void aRunInProgress() {
        Claimant run = Claimant.run(EXEC);

        assertEquals("run:" + EXEC, run.id());
        assertTrue(run.isRun());
        assertFalse(run.isStack());
        assertFalse(run.isStanding());
        assertEquals(EXEC, run.executionArn());
        assertEquals(EXEC, new Claimant(run.id()).executionArn());
        assertEquals("the run in progress " + EXEC, run.describe());
    }

    @Test
    void anUnknownIdDescribesAsItselfAndAnIdIsRequired() {
        assertEquals("someone", new Claimant("someone").describe());
        assertEquals("someone", new Claimant("someone").toString());
        assertThrows(NullPointerException.class, () -> new Claimant(null));
    }
}
