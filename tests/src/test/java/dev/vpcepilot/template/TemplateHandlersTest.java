package dev.vpcepilot.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vpcepilot.kit.level.Static;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.template.FunctionDirectory;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.local.template.SamTemplate;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every function of template.yaml, not only those the state machine calls, must be something the Lambda Java
 * runtime can start: the Handler's class exists in functions/, is public with a public no-argument
 * constructor (the runtime's way in), and has the named public method as a request handler.
 */
@Static
class TemplateHandlersTest {

    private static final Path ROOT = TestProject.root();

    @Test
    void everyHandlerOfTheTemplateExistsAndCanBeStartedByTheJavaRuntime() {
        List<LocalFunction> functions = List.copyOf(
                FunctionDirectory.of(SamTemplate.load(ROOT.resolve("template.yaml")), "us-east-1").functions());
        assertFalse(functions.isEmpty());
        List<String> problems = new ArrayList<>();
        for (LocalFunction function : functions) {
            problems.addAll(problemsOf(function));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theCheckNamesAMissingClassAndAMissingMethod() {
        assertTrue(problemsOf(new LocalFunction("Ghost", "Ghost", "dev.vpcepilot.handlers.NoSuchHandler",
                "handleRequest", "java21", 60, 1024, "live")).get(0).contains("no class"));
        assertTrue(problemsOf(new LocalFunction("Wrong", "Wrong", "dev.vpcepilot.handlers.CleanupHandler",
                "handle", "java21", 60, 1024, "live")).get(0).contains("no public method handle"));
    }

    @Test
    void everyFunctionRunsOnJava21() {
        for (LocalFunction function : FunctionDirectory.of(SamTemplate.load(ROOT.resolve("template.yaml")), "us-east-1")
                .functions()) {
            assertEquals("java21", function.runtime(), function.logicalId());
        }
    }

    static List<String> problemsOf(LocalFunction function) {
        String name = function.logicalId() + " (" + function.handlerClass() + "::" + function.handlerMethod() + ")";
        Class<?> handler;
        try {
            handler = Class.forName(function.handlerClass(), false, TemplateHandlersTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return List.of(name + ": no class " + function.handlerClass() + " in functions/");
        }
        List<String> problems = new ArrayList<>();
        if (!Modifier.isPublic(handler.getModifiers()) || Modifier.isAbstract(handler.getModifiers())) {
            problems.add(name + ": the class must be public and concrete");
        }
        try {
            Constructor<?> constructor = handler.getConstructor();
            if (!Modifier.isPublic(constructor.getModifiers())) {
                problems.add(name + ": the no-argument constructor is not public");
            }
        } catch (NoSuchMethodException e) {
            problems.add(name + ": no public no-argument constructor for the Lambda runtime");
        }
        String method = function.handlerMethod() == null ? "handleRequest" : function.handlerMethod();
        boolean found = Arrays.stream(handler.getMethods()).map(Method::getName).anyMatch(method::equals);
        if (!found) {
            problems.add(name + ": no public method " + method);
        }
        if (!RequestStreamHandler.class.isAssignableFrom(handler) && !RequestHandler.class.isAssignableFrom(handler)) {
            problems.add(name + ": neither a RequestStreamHandler nor a RequestHandler");
        }
        return problems;
    }
}
