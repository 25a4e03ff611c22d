package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.kit.CfnRequests;
import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.kit.RunLocal.Run;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.sharing.SharingWorld.Stack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md rule 10: a JSON object that gives a key twice is {@code InvalidInput} naming the key, and nothing is
 * created. Each input here gives the same value twice where a lenient parse (the last value wins) would have run the
 * workflow and created an endpoint; the tests then read moto to see that none exists in the VPC.
 */
@Workflow
class DuplicateKeysTest {

    @Test
    void anExecutionInputWithAKeyTwiceIsRefusedByRunLocalNamingTheKey() {
        Vpc vpc = SharingWorld.freshVpc(0);
        Run run = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"vpcId\":\"" + vpc.id() + "\"}");

        assertRefused(run, "'vpcId'");
        assertNothingIn(vpc);
    }

    @Test
    void aKeyTwiceInsideThePolicyDocumentIsRefusedToo() {
        Vpc vpc = SharingWorld.freshVpc(0);
        Run run = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"policyDocument\":{\"Version\":\"2012-10-17\","
                + "\"Statement\":[{\"Effect\":\"Allow\",\"Effect\":\"Allow\",\"Principal\":\"*\","
                + "\"Action\":\"dynamodb:*\",\"Resource\":\"*\"}]}}");

        assertRefused(run, "'Effect'");
        assertNothingIn(vpc);
    }

    @Test
    void aPropertyTwiceInACfnEventIsRefusedByRunLocalNamingTheKey() throws IOException {
        Vpc vpc = SharingWorld.freshVpc(0);
        ObjectNode event = Stack.fresh("app-dup").create(Map.of("VpcId", vpc.id()));
        event.put("ResponseURL", SharingWorld.CFN_RESPONSE_URL);
        Path file = Files.createTempFile("sharing-dup-", ".json");
        file.toFile().deleteOnExit();
        Files.writeString(file, twice(new String(CfnRequests.bytes(event), StandardCharsets.UTF_8), vpc),
                StandardCharsets.UTF_8);

        Run run = SharingWorld.start("--cfn-event with VpcId twice", SharingWorld.moto(),
                List.of("--cfn-event", file.toString()), Map.of()).await();

        assertRefused(run, "'VpcId'");
        assertNothingIn(vpc);
    }

    /** In Lambda the hook reads the request's bytes itself: it answers FAILED, naming the key, and starts nothing. */
    @Test
    void theHookAnswersFailedForAPropertyTwiceAndStartsNothing() {
        Vpc vpc = SharingWorld.freshVpc(0);
        ObjectNode event = Stack.fresh("app-dup").create(Map.of("VpcId", vpc.id()));

        Run answer;
        try (InProcessHook hook = new InProcessHook(SharingWorld.moto())) {
            answer = hook.send(event, text -> twice(text, vpc));
        }

        assertEquals(1, answer.exitCode(), answer.toString());
        assertEquals("FAILED", answer.doc().path("Status").asText(), answer.toString());
        String reason = answer.doc().path("Reason").asText();
        assertTrue(reason.contains("InvalidInput") && reason.contains("'VpcId'") && reason.contains("twice"), reason);
        assertNothingIn(vpc);
    }

    /** The request's text with {@code "VpcId":"vpc-..."} given twice (the same value). */
    private static String twice(String text, Vpc vpc) {
        String property = "\"VpcId\":\"" + vpc.id() + "\"";
        assertTrue(text.contains(property), text);
        return text.replace(property, property + "," + property);
    }

    private static void assertRefused(Run run, String key) {
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("InvalidInput", run.error(), run.toString());
        String cause = run.doc().path("cause").asText();
        assertTrue(cause.contains(key) && cause.contains("twice"), cause);
        assertTrue(!run.stderr().contains("Exception") && !run.stdout().contains("\tat "), "no stack trace: " + run);
    }

    private static void assertNothingIn(Vpc vpc) {
        assertEquals(List.of(), SharingInvariant.endpointsOf(SharingWorld.ec2(), vpc.id()), "nothing was created");
    }
}
