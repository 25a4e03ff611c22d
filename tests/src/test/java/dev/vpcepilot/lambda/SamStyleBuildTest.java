package dev.vpcepilot.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Runtime;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.runtime.SamStyleBuild;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The artifact the real-runtime layer runs is what {@code sam build} deploys: functions/ built alone (its pom has no
 * parent; the build happens in a copy of functions/), classes at the root, the runtime dependencies, and only those,
 * under {@code lib/} with their group ids, as sam names them; rebuilt only when functions/ changed.
 */
@Runtime
class SamStyleBuildTest {

    private static final Path ROOT = TestProject.root();
    private static Path artifact;
    private static List<String> jars;

    @BeforeAll
    static void build() throws IOException {
        artifact = SamStyleBuild.artifact(ROOT, line -> { });
        try (Stream<Path> lib = Files.list(artifact.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void functionsBuildsAloneWithoutTheParentProject() throws IOException {
        String pom = Files.readString(ROOT.resolve("functions/pom.xml"), StandardCharsets.UTF_8);
        assertFalse(pom.contains("<parent>"), "functions/pom.xml has no parent: sam builds the directory alone");
        String script = Files.readString(ROOT.resolve("scripts/sam-style-build.sh"), StandardCharsets.UTF_8);
        assertTrue(script.contains("mvn -B -q -ntp clean install") && script.contains(
                "dependency:copy-dependencies -DincludeScope=runtime -Dmdep.prependGroupId=true"), script);
        assertFalse(Files.exists(artifact.resolve("dev/vpcepilot/local")), "nothing of the runner");
        assertTrue(jars.stream().noneMatch(j -> j.contains("vpce-pilot")), jars.toString());
    }

    @Test
    void theClassesAreAtTheRootAndTheRuntimeDependenciesUnderLib() {
        for (String handler : List.of("CheckServiceAvailabilityHandler", "ResolveVpcHandler", "CreateEndpointHandler",
                "GetEndpointStatusHandler", "VerifyEndpointHandler", "CleanupHandler", "RollbackHandler",
                "CloudFormationHookHandler")) {
            assertTrue(Files.isRegularFile(artifact.resolve("dev/vpcepilot/handlers/" + handler + ".class")), handler);
        }
        assertTrue(Files.isRegularFile(artifact.resolve("software/amazon/awssdk/services/ec2/Ec2Client.class")),
                "the generated clients are classes of the artifact");
        assertTrue(jars.contains("com.amazonaws.aws-lambda-java-core-1.4.0.jar"), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("software.amazon.awssdk.url-connection-client-")), jars
                .toString());
        assertTrue(jars.stream().allMatch(j -> j.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.[A-Za-z0-9_.-]+-\\d[A-Za-z0-9_.-]*\\.jar")),
                "named groupId.artifactId-version.jar: " + jars);
    }

    @Test
    void onlyWhatRunsIsShipped() {
        List<String> unwanted = new ArrayList<>();
        for (String jar : jars) {
            for (String banned : Set.of("junit", "mockito", "archunit", "joda-time", "aws-lambda-java-events", "powertools",
                    "apache-client", "netty", "aws-lambda-java-runtime-interface-client",
                    "aws-lambda-java-serialization")) {
                if (jar.contains(banned)) {
                    unwanted.add(jar);
                }
            }
        }
        assertEquals(List.of(), unwanted, "test jars, banned libraries, or the runtime itself (Lambda provides it)");
    }

    @Test
    void aSecondBuildOfUnchangedSourcesIsSkipped() {
        List<String> output = new ArrayList<>();
        Path again = SamStyleBuild.artifact(ROOT, output::add);
        assertEquals(artifact, again);
        assertTrue(output.stream().anyMatch(l -> l.contains("is up to date")), output.toString());
        assertFalse(output.stream().anyMatch(l -> l.contains("mvn clean install")), output.toString());
    }
}
