package dev.vpcepilot.template;

import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.CompactConstructorDeclaration;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.InitializerDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.MethodReferenceExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.stmt.ExplicitConstructorInvocationStmt;
import com.github.javaparser.resolution.declarations.ResolvedConstructorDeclaration;
import com.github.javaparser.resolution.declarations.ResolvedMethodDeclaration;
import com.github.javaparser.resolution.declarations.ResolvedReferenceTypeDeclaration;
import com.github.javaparser.resolution.types.ResolvedType;
import com.github.javaparser.symbolsolver.JavaSymbolSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.CombinedTypeSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.JavaParserTypeSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.ReflectionTypeSolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The IAM actions a handler's code can call, read from the sources of functions/ as a call graph: starting from the
 * handler class (its constructors and methods), every call, constructor and method reference is resolved to its
 * declaration (JavaParser's symbol solver) and followed into the functions' own code; an AWS SDK client method
 * reached that way is an action ({@code Ec2Client.describeVpcs} is {@code ec2:DescribeVpcs}, a paginator counts as
 * its operation). Only what the handler reaches counts: a class shared by several handlers (EndpointWriter) adds
 * only the methods that handler calls.
 *
 * <p>A call of an overridable method goes to its overrides in the classes the handler constructs (rapid type
 * analysis), so a superclass calling {@code handle(...)} reaches this handler's {@code handle}, not every handler's.
 * Not followed: static initializers, which run SnapStart's priming ({@code ClientPrimer}: its calls are stopped
 * before they leave the JVM). Where the solver cannot resolve a call (some lambdas and generic arguments), it is
 * matched by name and number of arguments, more widely rather than less; one that may still be an AWS call is
 * reported ({@link Reach#unresolved}), never dropped.
 *
 * <p>Two rules the sources do not spell out: tagging a resource in its create call needs {@code ec2:CreateTags}
 * (AWS's rule for {@code TagSpecifications}), and the libraries that make AWS calls of their own are declared in
 * {@link #LIBRARY_ACTIONS}.
 */
final class CodeActions {

    private static final Pattern SDK_CLIENT = Pattern.compile("software\\.amazon\\.awssdk\\.services\\.(\\w+)\\.\\w+Client");
    /** The SDK's service module → the IAM service prefix. */
    private static final Map<String, String> SERVICE_PREFIX = Map.of("ec2", "ec2", "dynamodb", "dynamodb",
            "sfn", "states", "sts", "sts", "s3", "s3", "organizations", "organizations");
    /**
     * Client method suffixes that name no operation of their own: a paginator is its operation, and S3's
     * {@code getObjectAsBytes} is GetObject with the body read into memory.
     */
    private static final String NOT_IN_ACTION_NAME = "(Paginator|AsBytes)$";
    /** Client methods that are no AWS operation. */
    private static final Set<String> NOT_CALLS = Set.of("close", "serviceName", "serviceClientConfiguration",
            "utilities", "waiter", "create", "builder");

    /**
     * Libraries whose own code calls AWS with the client they are given: constructing one (or calling it) counts its
     * calls for the handler. AWS Labs' dynamodb-lock-client 1.3.0, as {@code LeaseLedger} configures it
     * ({@code withDeleteLockOnRelease(false)}, {@code withDeleteLock(false)}; it never creates or describes the
     * table): GetItem to read the lock, PutItem or UpdateItem to take it, UpdateItem for the heartbeat and the
     * release that writes the claims. Its DeleteItem runs only for a lock released with deleteLock, which
     * vpce-pilot never asks for.
     */
    static final Map<String, Set<String>> LIBRARY_ACTIONS = Map.of(
            "com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClient",
            Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"));

    /** The operations of the SDK clients the functions use: an unresolved call of such a name is reported. */
    private static final Set<String> SDK_OPERATIONS = sdkOperations("software.amazon.awssdk.services.ec2.Ec2Client",
            "software.amazon.awssdk.services.dynamodb.DynamoDbClient", "software.amazon.awssdk.services.sfn.SfnClient",
            "software.amazon.awssdk.services.sts.StsClient", "software.amazon.awssdk.services.s3.S3Client",
            "software.amazon.awssdk.services.organizations.OrganizationsClient");

    private final Map<String, TypeDeclaration<?>> types = new LinkedHashMap<>();

    /** A call of a method of the functions' code, by the type it is called on. */
    private record Call(String type, String name, int arity) {
    }

    private static Set<String> sdkOperations(String... clients) {
        Set<String> names = new TreeSet<>();
        for (String client : clients) {
            try {
                for (java.lang.reflect.Method m : Class.forName(client).getMethods()) {
                    if (!NOT_CALLS.contains(m.getName())) {
                        names.add(m.getName());
                    }
                }
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(client + " is not on the test class path", e);
            }
        }
        return names;
    }

    CodeActions(Path functionsSourceRoot) {
        // One configuration for our parse and the solver's: declarations it returns can be resolved in turn.
        ParserConfiguration configuration = new ParserConfiguration()
                .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_21);
        CombinedTypeSolver solver = new CombinedTypeSolver(new JavaParserTypeSolver(functionsSourceRoot,
                configuration), new ReflectionTypeSolver(false));
        configuration.setSymbolResolver(new JavaSymbolSolver(solver));
        StaticJavaParser.setConfiguration(configuration);
        try (Stream<Path> files = Files.walk(functionsSourceRoot)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                CompilationUnit unit = StaticJavaParser.parse(file);
                unit.findAll(TypeDeclaration.class).forEach(t -> t.getFullyQualifiedName()
                        .ifPresent(name -> types.put((String) name, (TypeDeclaration<?>) t)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (types.isEmpty()) {
            throw new IllegalStateException("no Java sources under " + functionsSourceRoot);
        }
    }

    /** What one handler reaches. */
    record Reach(Set<String> actions, Set<String> types, List<String> unresolved) {
    }

    Reach reach(String handlerClass) {
        TypeDeclaration<?> handler = types.get(handlerClass);
        if (handler == null) {
            throw new IllegalArgumentException("no source for " + handlerClass);
        }
        return new Walk().from(handler);
    }

    /** One handler's walk: the callables reached, the types constructed, the virtual calls to dispatch. */
    private final class Walk {
        private final Set<String> visited = new LinkedHashSet<>();
        private final Deque<Node> todo = new ArrayDeque<>();
        private final Set<String> live = new LinkedHashSet<>();
        private final Set<Call> virtualCalls = new LinkedHashSet<>();
        private final Set<String> actions = new TreeSet<>();
        private final List<String> unresolved = new ArrayList<>();

        Reach from(TypeDeclaration<?> handler) {
            construct(handler);
            handler.getMembers().forEach(m -> {
                if (m instanceof CallableDeclaration<?> callable && !callable.isStatic()) {
                    todo.add(callable);
                }
            });
            boolean changed = true;
            while (changed) {
                while (!todo.isEmpty()) {
                    Node next = todo.poll();
                    if (visited.add(key(next))) {
                        scan(next);
                    }
                }
                changed = dispatchVirtualCalls();
            }
            return new Reach(actions, live, unresolved);
        }

        /** A type whose instances exist: its constructors' work and its field initializers run. */
        private void construct(TypeDeclaration<?> type) {
            String name = type.getFullyQualifiedName().orElseThrow();
            if (!live.add(name)) {
                return;
            }
            type.getMembers().forEach(m -> {
                if (m instanceof FieldDeclaration field && !field.isStatic()) {
                    todo.add(field);
                } else if (m instanceof InitializerDeclaration init && !init.isStatic()) {
                    todo.add(init);
                }
            });
            // a superclass's constructors and initializers run too
            if (type.isClassOrInterfaceDeclaration()) {
                type.asClassOrInterfaceDeclaration().getExtendedTypes().forEach(t -> {
                    try {
                        String superName = t.resolve().asReferenceType().getQualifiedName();
                        if (types.containsKey(superName)) {
                            construct(types.get(superName));
                        }
                    } catch (RuntimeException e) {
                        unresolved.add("extends " + t + " in " + name + ": " + e.getMessage());
                    }
                });
            }
        }

        private void scan(Node node) {
            if (node instanceof CallableDeclaration<?> callable && callable.isAbstract()) {
                return;
            }
            if (node.findAll(MethodCallExpr.class).stream().anyMatch(c -> c.getNameAsString().equals("createVpcEndpoint"))
                    && node.findAll(MethodCallExpr.class).stream()
                    .anyMatch(c -> c.getNameAsString().equals("tagSpecifications"))) {
                actions.add("ec2:CreateTags");
            }
            for (MethodCallExpr call : node.findAll(MethodCallExpr.class)) {
                try {
                    method(call.resolve());
                } catch (RuntimeException e) {
                    byName(call);
                }
            }
            for (MethodReferenceExpr reference : node.findAll(MethodReferenceExpr.class)) {
                try {
                    method(reference.resolve());
                } catch (RuntimeException e) {
                    String name = reference.getIdentifier();
                    Optional<String> receiver = typeOf(reference.getScope());
                    if (receiver.isPresent()) {
                        named(receiver.get(), name, -1, reference);
                    } else if (SDK_OPERATIONS.contains(name)) {
                        unresolved.add(where(reference) + reference + ": may be an AWS call, not resolved");
                    }
                }
            }
            for (ObjectCreationExpr creation : node.findAll(ObjectCreationExpr.class)) {
                try {
                    constructor(creation.resolve());
                } catch (RuntimeException e) {
                    byName(creation);
                }
            }
            for (ExplicitConstructorInvocationStmt call : node.findAll(ExplicitConstructorInvocationStmt.class)) {
                try {
                    constructor(call.resolve());
                } catch (RuntimeException e) {
                    if (!byArity(call)) {
                        unresolved.add(where(call) + call + ": " + e.getClass().getSimpleName());
                    }
                }
            }
        }

        private void method(ResolvedMethodDeclaration method) {
            String owner = method.declaringType().getQualifiedName();
            Matcher sdk = SDK_CLIENT.matcher(owner);
            if (sdk.matches()) {
                String name = method.getName();
                if (!NOT_CALLS.contains(name)) {
                    String prefix = SERVICE_PREFIX.get(sdk.group(1));
                    if (prefix == null) {
                        unresolved.add("an SDK client of a service this map does not know: " + owner);
                        return;
                    }
                    actions.add(prefix + ":" + Character.toUpperCase(name.charAt(0))
                            + name.substring(1).replaceFirst(NOT_IN_ACTION_NAME, ""));
                }
                return;
            }
            if (LIBRARY_ACTIONS.containsKey(owner)) {
                actions.addAll(LIBRARY_ACTIONS.get(owner));
                return;
            }
            if (!types.containsKey(owner)) {
                return; // the JDK, Jackson, the SDK's model classes...: no AWS call
            }
            method.toAst().ifPresent(todo::add);
            if (!method.isStatic()) {
                virtualCalls.add(new Call(owner, method.getName(), method.getNumberOfParams()));
            }
        }

        private void constructor(ResolvedConstructorDeclaration constructor) {
            String owner = constructor.declaringType().getQualifiedName();
            if (LIBRARY_ACTIONS.containsKey(owner)) {
                actions.addAll(LIBRARY_ACTIONS.get(owner));
                return;
            }
            TypeDeclaration<?> type = types.get(owner);
            if (type == null) {
                return;
            }
            construct(type);
            constructor.toAst().ifPresent(todo::add);
        }

        /** Overrides of the methods called, in the live types; true if that reached something new. */
        private boolean dispatchVirtualCalls() {
            boolean added = false;
            for (Call called : List.copyOf(virtualCalls)) {
                for (String liveType : List.copyOf(live)) {
                    TypeDeclaration<?> type = types.get(liveType);
                    if (liveType.equals(called.type()) || !isSubtype(type, called.type())) {
                        continue;
                    }
                    for (MethodDeclaration override : type.getMethodsByName(called.name())) {
                        if ((called.arity() < 0 || override.getParameters().size() == called.arity()) && !visited.contains(key(override))) {
                            todo.add(override);
                            added = true;
                        }
                    }
                }
            }
            return added;
        }

        /**
         * A call the solver could not resolve (it fails on some lambdas and generic arguments): found by its name and
         * number of arguments instead, in the type of its receiver when that resolves, else in the class it is written
         * in, else in every class of the functions (more than it calls, never less). Only a call that may be an AWS
         * call and is matched by none of those is reported.
         */
        private void byName(MethodCallExpr call) {
            String name = call.getNameAsString();
            int arity = call.getArguments().size();
            Optional<String> receiver = call.getScope().flatMap(this::typeOf);
            if (receiver.isPresent()) {
                named(receiver.get(), name, arity, call);
                return;
            }
            if (call.getScope().isEmpty()) {
                Optional<TypeDeclaration> enclosing = call.findAncestor(TypeDeclaration.class);
                if (enclosing.isPresent() && enclosing.get().getFullyQualifiedName().isPresent()) {
                    String type = (String) enclosing.get().getFullyQualifiedName().get();
                    if (named(type, name, arity, call)) {
                        return;
                    }
                }
            }
            boolean matched = false;
            for (String type : types.keySet()) {
                matched |= sourceMethods(type, name, arity);
            }
            if (!matched && SDK_OPERATIONS.contains(name)) {
                unresolved.add(where(call) + call + ": may be an AWS call, and its receiver is not resolved");
            }
        }

        /** The type of a receiver expression, or the type a bare name stands for (a static call). */
        private Optional<String> typeOf(Expression scope) {
            try {
                ResolvedType type = scope.calculateResolvedType();
                return type.isReferenceType() ? Optional.of(type.asReferenceType().getQualifiedName())
                        : Optional.empty();
            } catch (RuntimeException e) {
                if (scope instanceof NameExpr name) {
                    return types.keySet().stream().filter(t -> t.endsWith("." + name.getNameAsString())).findFirst()
                            .or(() -> LIBRARY_ACTIONS.keySet().stream()
                                    .filter(t -> t.endsWith("." + name.getNameAsString())).findFirst());
                }
                return Optional.empty();
            }
        }

        /** A call by name on a known type; false if that type has no such method. */
        private boolean named(String type, String name, int arity, Node call) {
            Matcher sdk = SDK_CLIENT.matcher(type);
            if (sdk.matches()) {
                if (!NOT_CALLS.contains(name)) {
                    String prefix = SERVICE_PREFIX.get(sdk.group(1));
                    if (prefix == null) {
                        unresolved.add(where(call) + "an SDK client of a service this map does not know: " + type);
                    } else {
                        actions.add(prefix + ":" + Character.toUpperCase(name.charAt(0))
                                + name.substring(1).replaceFirst(NOT_IN_ACTION_NAME, ""));
                    }
                }
                return true;
            }
            if (LIBRARY_ACTIONS.containsKey(type)) {
                actions.addAll(LIBRARY_ACTIONS.get(type));
                return true;
            }
            if (!types.containsKey(type)) {
                return true; // a JDK or library type without AWS calls
            }
            boolean found = sourceMethods(type, name, arity);
            virtualCalls.add(new Call(type, name, arity));
            return found;
        }

        private boolean sourceMethods(String type, String name, int arity) {
            boolean found = false;
            for (MethodDeclaration method : types.get(type).getMethodsByName(name)) {
                if (arity < 0 || method.getParameters().size() == arity) {
                    todo.add(method);
                    found = true;
                }
            }
            return found;
        }

        /**
         * A {@code this(...)} the solver could not resolve (it fails on a record's canonical constructor): the
         * constructors of the enclosing type with as many parameters, a record's compact constructor among them;
         * false if there is none.
         */
        private boolean byArity(ExplicitConstructorInvocationStmt call) {
            if (!call.isThis()) {
                return false;
            }
            Optional<TypeDeclaration> enclosing = call.findAncestor(TypeDeclaration.class);
            if (enclosing.isEmpty()) {
                return false;
            }
            int arity = call.getArguments().size();
            boolean found = false;
            for (Object member : enclosing.get().getMembers()) {
                if (member instanceof ConstructorDeclaration c && c.getParameters().size() == arity) {
                    todo.add(c);
                    found = true;
                } else if (member instanceof CompactConstructorDeclaration c && enclosing.get().isRecordDeclaration()
                        && enclosing.get().asRecordDeclaration().getParameters().size() == arity) {
                    todo.add(c);
                    found = true;
                }
            }
            if (!found && enclosing.get().isRecordDeclaration()
                    && enclosing.get().asRecordDeclaration().getParameters().size() == arity) {
                found = true; // the implicit canonical constructor only assigns the fields
            }
            return found;
        }

        /** A construction the solver could not resolve: by the simple name of its type. */
        private void byName(ObjectCreationExpr creation) {
            String simple = creation.getType().getNameAsString();
            LIBRARY_ACTIONS.keySet().stream().filter(t -> t.endsWith("." + simple))
                    .forEach(t -> actions.addAll(LIBRARY_ACTIONS.get(t)));
            types.keySet().stream().filter(t -> t.endsWith("." + simple) || t.endsWith("$" + simple))
                    .map(types::get).forEach(type -> {
                        construct(type);
                        type.getConstructors().forEach(todo::add);
                    });
        }

        private boolean isSubtype(TypeDeclaration<?> type, String ancestor) {
            try {
                ResolvedReferenceTypeDeclaration resolved = type.resolve();
                return resolved.getAllAncestors().stream().anyMatch(a -> a.getQualifiedName().equals(ancestor));
            } catch (RuntimeException e) {
                unresolved.add("the ancestors of " + type.getNameAsString() + ": " + e.getClass().getSimpleName());
                return false;
            }
        }

        /** Where a node is: the same declaration parsed twice (ours and the solver's) is one. */
        private String key(Node node) {
            String file = node.findCompilationUnit().flatMap(u -> u.getStorage()).map(st -> st.getPath().toString())
                    .orElse("?");
            return file + ":" + node.getRange().map(Object::toString).orElse("?");
        }

        private String where(Node node) {
            String file = node.findCompilationUnit().flatMap(CompilationUnit::getPrimaryTypeName).orElse("?");
            return file + ":" + node.getBegin().map(p -> p.line).orElse(0) + " ";
        }
    }
}
