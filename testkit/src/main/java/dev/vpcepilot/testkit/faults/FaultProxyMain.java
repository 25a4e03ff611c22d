package dev.vpcepilot.testkit.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Runs a {@link FaultProxy} standalone in front of an emulator, for a shell script or a person.
 *
 * <p>Prints {@code {"endpoint":"http://127.0.0.1:N"}} as one line on stdout once it is listening, then serves
 * until stdin reaches EOF (the parent closed the pipe or went away) or the process gets SIGTERM/SIGINT.
 * {@code GET /__faults/counts} answers the counts as JSON, {@code POST /__faults/reset} resets them.
 * Exit codes: 0 stopped normally, 1 could not start (port taken), 2 usage error.
 */
public final class FaultProxyMain {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    static final String USAGE = """
            usage: FaultProxyMain --target URL [--port N] [--throttle-every N] [--throttle-first N]
                                  [--error-every N] [--error-share F] [--drop-every N] [--latency-ms N]
                                  [--endpoint-not-found-first N] [--deny-assume-role ACCOUNT]
                                  [--only PREFIX] [--ignore-stdin]
              --target URL        the emulator to forward to, e.g. http://127.0.0.1:5000 (required)
              --port N            loopback port to listen on (default: a free port)
              --throttle-every N  the service's throttling error on every Nth call (N >= 1)
              --throttle-first N  the service's throttling error on the first N calls of each action
              --error-every N     HTTP 500 on every Nth call
              --error-share F     HTTP 500 on a share F (0 < F <= 1) of the calls, deterministically spread
              --drop-every N      close the connection without a response on every Nth call
              --latency-ms N      delay the answer to every call by N ms (0..600000)
              --endpoint-not-found-first N
                                  EC2's eventual consistency: the first N calls naming an endpoint id that
                                  CreateVpcEndpoint returned through the proxy answer InvalidVpcEndpointId.NotFound
                                  (DeleteVpcEndpoints: the id in unsuccessful), counted per id
              --deny-assume-role ACCOUNT
                                  STS AccessDenied for every AssumeRole of a role of ACCOUNT (12 digits)
              --only PREFIX       limit the faults above to actions starting with PREFIX
                                  (ec2:, dynamodb:, states:, dynamodb:ListTables, ...)
              --ignore-stdin      keep running at stdin EOF (stop with SIGTERM/SIGINT only)
            Prints {"endpoint":"http://127.0.0.1:N"} on stdout when ready; GET /__faults/counts answers the
            counts per action as JSON, POST /__faults/reset resets them. /moto-api/ is never faulted.
            """;

    private static final Set<String> VALUE_OPTIONS = Set.of("--target", "--port", "--throttle-every",
            "--throttle-first", "--error-every", "--error-share", "--drop-every", "--latency-ms",
            "--endpoint-not-found-first", "--deny-assume-role", "--only");
    private static final Set<String> FLAG_OPTIONS = Set.of("--ignore-stdin");

    private FaultProxyMain() {
    }

    /**
     * A parsed command line.
     *
     * @param target      the emulator URL
     * @param port        the loopback port to listen on (0: a free one)
     * @param rules       the fault rules, in evaluation order
     * @param ignoreStdin whether stdin EOF is ignored
     */
    public record Options(URI target, int port, List<FaultRule> rules, boolean ignoreStdin) {
        public Options {
            rules = List.copyOf(rules);
        }
    }

    /** A command line this program does not accept; the message says what is wrong. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * Parses, starts the proxy, prints the endpoint line on {@code out}, and serves until {@code stdin} ends
     * (or, with {@code --ignore-stdin}, until the process is stopped). Returns the exit code.
     */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(USAGE);
            out.flush();
            return EXIT_OK;
        }
        Options options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            err.println("fault-proxy: " + e.getMessage());
            err.print(USAGE);
            err.flush();
            return EXIT_USAGE;
        }
        FaultProxy proxy;
        try {
            proxy = FaultProxy.start(options.target(), options.port());
        } catch (IOException | IllegalArgumentException e) {
            err.println("fault-proxy: " + e.getMessage());
            return EXIT_FAILURE;
        }
        options.rules().forEach(proxy::addRule);
        Thread shutdownHook = new Thread(proxy::close, "fault-proxy-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            out.println("{\"endpoint\":\"" + proxy.endpoint() + "\"}");
            out.flush();
            err.println("fault-proxy: " + proxy.endpoint() + " -> " + options.target()
                    + (options.rules().isEmpty() ? " (counting only, no faults)"
                    : options.rules().stream().map(FaultRule::toString).collect(Collectors.joining("; ", "; ", ""))));
            err.flush();
            if (options.ignoreStdin()) {
                new CountDownLatch(1).await();
            } else {
                byte[] discard = new byte[1024];
                while (stdin.read(discard) >= 0) {
                    // input is not a command channel: only its end matters
                }
            }
        } catch (IOException | InterruptedException stopped) {
            // stdin broke or the thread was interrupted: stop as at EOF
        } finally {
            proxy.close();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // SIGTERM: the hook is running or has run
            }
        }
        return EXIT_OK;
    }

    /** Parses a command line ({@code --name value} or {@code --name=value}). */
    public static Options parse(String... args) throws UsageException {
        Map<String, String> values = new HashMap<>();
        boolean ignoreStdin = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (FLAG_OPTIONS.contains(name)) {
                if (value != null) {
                    throw new UsageException(name + " takes no value");
                }
                if (ignoreStdin) {
                    throw new UsageException(name + " is given twice");
                }
                ignoreStdin = true;
                continue;
            }
            if (!VALUE_OPTIONS.contains(name)) {
                throw new UsageException(arg.startsWith("-") ? "unknown option " + name
                        : "unexpected argument '" + arg + "' (options are --name value)");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            if (values.putIfAbsent(name, value) != null) {
                throw new UsageException(name + " is given twice");
            }
        }

        String targetText = values.get("--target");
        if (targetText == null) {
            throw new UsageException("--target URL is required (the emulator, e.g. http://127.0.0.1:5000)");
        }
        URI target = parseTarget(targetText);
        int port = values.containsKey("--port") ? parseInt(values, "--port", 0, 65_535) : 0;

        List<FaultRule> rules = new ArrayList<>();
        if (values.containsKey("--latency-ms")) {
            rules.add(FaultRule.latency(parseInt(values, "--latency-ms", 0, (int) FaultRule.MAX_LATENCY_MILLIS)));
        }
        if (values.containsKey("--drop-every")) {
            rules.add(FaultRule.dropEvery(parseInt(values, "--drop-every", 1, Integer.MAX_VALUE)));
        }
        if (values.containsKey("--error-every")) {
            rules.add(FaultRule.errorEvery(parseInt(values, "--error-every", 1, Integer.MAX_VALUE)));
        }
        if (values.containsKey("--error-share")) {
            rules.add(FaultRule.errorShare(parseShare(values.get("--error-share"))));
        }
        if (values.containsKey("--throttle-first")) {
            rules.add(FaultRule.throttleFirst(parseInt(values, "--throttle-first", 1, Integer.MAX_VALUE)));
        }
        if (values.containsKey("--throttle-every")) {
            rules.add(FaultRule.throttleEvery(parseInt(values, "--throttle-every", 1, Integer.MAX_VALUE)));
        }
        if (values.containsKey("--endpoint-not-found-first")) {
            rules.add(FaultRule.endpointNotFoundFirst(
                    parseInt(values, "--endpoint-not-found-first", 1, Integer.MAX_VALUE)));
        }
        String only = values.get("--only");
        if (only != null) {
            if (only.isBlank()) {
                throw new UsageException("--only needs an action prefix such as ec2: or dynamodb:ListTables");
            }
            if (rules.isEmpty()) {
                throw new UsageException("--only limits fault rules: give at least one of --throttle-every, "
                        + "--throttle-first, --error-every, --error-share, --drop-every, --latency-ms, "
                        + "--endpoint-not-found-first");
            }
            rules.replaceAll(rule -> rule.only(only));
        }
        if (values.containsKey("--deny-assume-role")) { // not limited by --only: it names its own action
            String account = values.get("--deny-assume-role");
            if (account == null || !account.matches("\\d{12}")) {
                throw new UsageException("--deny-assume-role needs a 12-digit account id, got " + account);
            }
            rules.add(FaultRule.denyAssumeRole(account));
        }
        return new Options(target, port, rules, ignoreStdin);
    }

    private static URI parseTarget(String text) throws UsageException {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new UsageException("--target is not a URL: '" + text + "'");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new UsageException("--target must be an http://host:port URL, got '" + text + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new UsageException("--target must not have a query or fragment, got '" + text + "'");
        }
        return uri;
    }

    private static int parseInt(Map<String, String> values, String name, int min, int max) throws UsageException {
        String text = values.get(name).trim();
        String range = max == Integer.MAX_VALUE ? "a whole number >= " + min : "a whole number " + min + ".." + max;
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new UsageException(name + " needs " + range + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs " + range + ", got '" + text + "'");
        }
    }

    private static double parseShare(String text) throws UsageException {
        try {
            double share = Double.parseDouble(text.trim());
            if (share > 0 && share <= 1) {
                return share;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--error-share needs a fraction 0 < F <= 1, got '" + text + "'");
    }
}
