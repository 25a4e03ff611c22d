package dev.vpcepilot.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.handlers.FunctionSettings;
import dev.vpcepilot.local.template.LocalFunction;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/**
 * Loads a function's handler class by name (the runner does not depend on the handlers at compile time) and
 * makes instances of it the way the local runner runs them: a {@link RequestStreamHandler} built through its
 * public constructor taking {@link AwsClients} and {@link FunctionSettings} (the function's environment as the
 * template sets it), or else {@link AwsClients} alone, so every AWS call goes to the endpoint the runner chose
 * (the no-argument constructor is for Lambda, where the clients and settings come from the environment).
 */
public final class HandlerClasses {

    private HandlerClasses() {
    }

    /** Why the function cannot run in-process, or empty when it can. */
    public static Optional<String> problem(LocalFunction function, ClassLoader loader) {
        String runtime = function.runtime();
        if (runtime != null && !runtime.startsWith("java")) {
            return Optional.of("Function " + function.logicalId() + " has Runtime " + runtime + "; the local runner "
                    + "runs Java handlers only");
        }
        if (function.handlerMethod() != null && !function.handlerMethod().equals("handleRequest")) {
            return Optional.of("Function " + function.logicalId() + " has Handler method " + function.handlerMethod()
                    + "; the local runner calls RequestStreamHandler.handleRequest only");
        }
        try {
            constructor(load(function, loader));
            return Optional.empty();
        } catch (HandlerLoadException e) {
            return Optional.of(e.getMessage());
        }
    }

    public static Class<? extends RequestStreamHandler> load(LocalFunction function, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(function.handlerClass(), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new HandlerLoadException("Function " + function.logicalId() + ": handler class "
                    + function.handlerClass() + " cannot be loaded (" + e + ")");
        }
        if (!RequestStreamHandler.class.isAssignableFrom(type)) {
            throw new HandlerLoadException("Function " + function.logicalId() + ": " + type.getName()
                    + " does not implement " + RequestStreamHandler.class.getName());
        }
        try {
            type.getMethod("handleRequest", InputStream.class, OutputStream.class, Context.class);
        } catch (NoSuchMethodException e) {
            throw new HandlerLoadException("Function " + function.logicalId() + ": " + type.getName()
                    + " has no public handleRequest(InputStream, OutputStream, Context)");
        }
        return type.asSubclass(RequestStreamHandler.class);
    }

    /**
     * A new instance (a cold start). An exception thrown by the constructor is rethrown as it is, as the Lambda
     * runtime would report it.
     */
    public static RequestStreamHandler instantiate(Class<? extends RequestStreamHandler> type, AwsClients clients,
                                                   FunctionSettings settings) {
        Constructor<? extends RequestStreamHandler> constructor = constructor(type);
        try {
            return constructor.getParameterCount() == 2 ? constructor.newInstance(clients, settings)
                    : constructor.newInstance(clients);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new HandlerLoadException(type.getName() + " could not be created: " + e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new HandlerLoadException(type.getName() + " could not be created: " + e);
        }
    }

    private static Constructor<? extends RequestStreamHandler> constructor(Class<? extends RequestStreamHandler> type) {
        try {
            return type.getConstructor(AwsClients.class, FunctionSettings.class);
        } catch (NoSuchMethodException withoutSettings) {
            // the handler needs no settings
        }
        try {
            return type.getConstructor(AwsClients.class);
        } catch (NoSuchMethodException e) {
            throw new HandlerLoadException(type.getName() + " has no public constructor taking "
                    + AwsClients.class.getName() + " (the local runner needs it to point the handler at the "
                    + "emulator)");
        }
    }

    /** A handler class that cannot be used. */
    public static final class HandlerLoadException extends RuntimeException {
        public HandlerLoadException(String message) {
            super(message);
        }
    }
}
