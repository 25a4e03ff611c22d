package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.local.asl.StatesError;
import dev.vpcepilot.local.asl.TaskInvoker;
import dev.vpcepilot.local.lambda.HandlerClasses;
import dev.vpcepilot.local.lambda.LambdaTaskInvoker;
import dev.vpcepilot.local.template.FunctionDirectory;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.local.template.SamTemplate;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task invocation as Lambda does it, with handler classes loaded by name. */
class LambdaTaskInvokerTest {

    private static final String ARN = "arn:aws:lambda:us-east-1:123456789012:function:";

    @TempDir
    Path directory;

    private AwsClients clients;
    private final List<String> logs = new ArrayList<>();

    @BeforeEach
    void clients() {
        clients = AwsClients.forEndpoint("us-east-1", URI.create("http://127.0.0.1:1"));
    }

    @AfterEach
    void close() {
        clients.close();
    }

    private LambdaTaskInvoker invoker() {
        TestProject.write(directory, TestProject.template(
                "Echo=" + FakeHandlers.Echo.class.getName(),
                "Failing=" + FakeHandlers.Failing.class.getName(),
                "Silent=" + FakeHandlers.Silent.class.getName(),
                "NotJson=" + FakeHandlers.NotJson.class.getName(),
                "Rendezvous=" + FakeHandlers.Rendezvous.class.getName()), "{}");
        FunctionDirectory functions = FunctionDirectory.of(SamTemplate.load(directory.resolve("template.yaml")),
                "us-east-1");
        return new LambdaTaskInvoker(functions, clients, java.util.Map.of(), getClass().getClassLoader(), logs::add,
                Clock.systemUTC());
    }

    private static TaskInvoker.TaskInvocation call(String function, String input) {
        return new TaskInvoker.TaskInvocation(ARN + function + ":live", json(input), "State", "arn:execution", 0);
    }

    @Test
    void theHandlerGetsTheInputAsJsonAndALambdaContext() {
        JsonNode result = invoker().invoke(call("Echo", "{\"a\": [1, \"x\"]}"));
        assertEquals(json("{\"a\": [1, \"x\"]}"), result.get("received"));
        assertEquals("Echo", result.get("function").asText());
        assertEquals(ARN + "Echo:live", result.get("invokedArn").asText());
        assertEquals(128, result.get("memoryMb").asInt());
        int remaining = result.get("remainingMs").asInt();
        assertTrue(remaining > 25_000 && remaining <= 30_000, "remaining " + remaining);
        assertEquals(List.of("[Echo] echo {\"a\":[1,\"x\"]}"), logs);
    }

    @Test
    void aHandlerIsCreatedOncePerInvokerLikeAWarmContainer() {
        int before = FakeHandlers.Echo.INSTANCES.get();
        LambdaTaskInvoker invoker = invoker();
        invoker.invoke(call("Echo", "{}"));
        invoker.invoke(call("Echo", "{}"));
        assertEquals(before + 1, FakeHandlers.Echo.INSTANCES.get());
        invoker().invoke(call("Echo", "{}"));
        assertEquals(before + 2, FakeHandlers.Echo.INSTANCES.get());
    }

    /** Lambda runs concurrent invocations in containers of their own: one handler instance serves one at a time. */
    @Test
    void overlappingInvocationsGetAnInstanceEachAndLaterOnesReuseThem() throws Exception {
        LambdaTaskInvoker invoker = invoker();
        FakeHandlers.Rendezvous.barrier = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<JsonNode> first = pool.submit(() -> invoker.invoke(call("Rendezvous", "{}")));
            Future<JsonNode> second = pool.submit(() -> invoker.invoke(call("Rendezvous", "{}")));
            Set<Integer> overlapping = Set.of(first.get(20, TimeUnit.SECONDS).get("instance").asInt(),
                    second.get(20, TimeUnit.SECONDS).get("instance").asInt());
            assertEquals(2, overlapping.size(), "two instances for two invocations at once");
            FakeHandlers.Rendezvous.barrier = new CyclicBarrier(1);
            for (int i = 0; i < 3; i++) {
                int later = invoker.invoke(call("Rendezvous", "{}")).get("instance").asInt();
                assertTrue(overlapping.contains(later), "a warm instance is reused, not a new one: " + later);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aThrownExceptionIsReportedAsTheLambdaJavaRuntimeDoes() {
        StatesError error = assertThrows(StatesError.class,
                () -> invoker().invoke(call("Failing", "{\"message\": \"VPC vpc-1 is gone\"}")));
        assertEquals(FakeHandlers.VpcGone.class.getName(), error.error());
        JsonNode cause = json(error.cause());
        assertEquals("VPC vpc-1 is gone", cause.get("errorMessage").asText());
        assertEquals(FakeHandlers.VpcGone.class.getName(), cause.get("errorType").asText());
        assertTrue(cause.get("stackTrace").isArray() && !cause.get("stackTrace").isEmpty());
        assertTrue(cause.get("stackTrace").get(0).asText().contains("FakeHandlers$Failing.handleRequest"),
                cause.get("stackTrace").get(0).asText());
        assertEquals(Set.of("errorMessage", "errorType", "stackTrace"), fieldsOf(cause));
    }

    @Test
    void anExceptionWithoutMessageReportsItsClassNameAsTheMessage() {
        StatesError error = assertThrows(StatesError.class, () -> invoker().invoke(call("Failing", "{}")));
        assertEquals("java.lang.IllegalStateException", error.error());
        assertEquals("java.lang.IllegalStateException", json(error.cause()).get("errorMessage").asText());
    }

    @Test
    void noOutputIsNullAndTextThatIsNotJsonIsStatesRuntime() {
        assertTrue(invoker().invoke(call("Silent", "{}")).isNull());
        StatesError error = assertThrows(StatesError.class, () -> invoker().invoke(call("NotJson", "{}")));
        assertEquals("States.Runtime", error.error());
    }

    @Test
    void onlyTheTemplatesFunctionsCanBeInvoked() {
        LambdaTaskInvoker invoker = invoker();
        assertTrue(invoker.canInvoke(ARN + "Echo:live"));
        assertTrue(!invoker.canInvoke(ARN + "Unknown") && !invoker.canInvoke("arn:aws:states:::lambda:invoke"));
    }

    @Test
    void handlerClassesThatCannotRunInProcessAreExplained() {
        ClassLoader loader = getClass().getClassLoader();
        assertTrue(HandlerClasses.problem(function(FakeHandlers.Echo.class.getName(), "java21"), loader).isEmpty());
        assertTrue(HandlerClasses.problem(function("no.such.Handler", "java21"), loader).orElseThrow()
                .contains("cannot be loaded"));
        assertTrue(HandlerClasses.problem(function(FakeHandlers.NotAHandler.class.getName(), "java21"), loader)
                .orElseThrow().contains("does not implement"));
        assertTrue(HandlerClasses.problem(function(FakeHandlers.NoClientsConstructor.class.getName(), "java21"), loader)
                .orElseThrow().contains("no public constructor taking dev.vpcepilot.aws.AwsClients"));
        assertTrue(HandlerClasses.problem(function(FakeHandlers.Echo.class.getName(), "python3.12"), loader)
                .orElseThrow().contains("Java handlers only"));
    }

    private static LocalFunction function(String handlerClass, String runtime) {
        return new LocalFunction("Fn", "Fn", handlerClass, "handleRequest", runtime, 3, 128, null);
    }

    private static Set<String> fieldsOf(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
