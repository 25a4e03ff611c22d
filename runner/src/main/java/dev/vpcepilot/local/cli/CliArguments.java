package dev.vpcepilot.local.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.template.LocalAccount;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of {@code ./run-local}:
 * {@value #USAGE}. Flags take their value as the next argument or after {@code =}.
 *
 * @param endpointUrl the emulator to use, or null to start moto_server
 * @param region      the region (flag, else {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, {@code us-east-1})
 * @param inputFile   {@code --input FILE} ({@code -} is stdin), or null
 * @param inputJson   {@code --input-json JSON}, or null
 * @param cfnEvent    {@code --cfn-event FILE}, or null
 * @param lambdaRuntime {@code --lambda-runtime}: every function runs under the real Lambda Java runtime (from the
 *                      SAM-style artifact) instead of in-process
 * @param fleet       {@code --fleet}: run the fleet state machine instead of the single-VPC one
 * @param report      {@code --report FILE} (with {@code --fleet}): where the fleet report is copied, or null
 * @param probe       {@code --probe}: the probe inside the VPC runs as if deployed in the execution's VPC
 *                    ({@link LocalProbe})
 * @param help        {@code -h} / {@code --help}
 */
public record CliArguments(URI endpointUrl, String region, Path inputFile, String inputJson, Path cfnEvent,
                           boolean lambdaRuntime, boolean fleet, Path report, boolean probe, boolean help) {

    /** The runner's mapper, refusing a key given twice in one object. */
    private static final ObjectReader STRICT = JsonText.MAPPER.reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** How Jackson's duplicate detection words it. */
    private static final Pattern DUPLICATE_FIELD = Pattern.compile("Duplicate field '(.*)'", Pattern.DOTALL);

    public static final String USAGE = "./run-local [--endpoint-url URL] [--region REGION] "
            + "[--input FILE | --input-json JSON] [--cfn-event FILE] [--lambda-runtime] [--fleet [--report FILE]] [--probe]";
    private static final List<String> FLAGS = List.of("--endpoint-url", "--region", "--input", "--input-json",
            "--cfn-event", "--report");
    private static final String LAMBDA_RUNTIME = "--lambda-runtime";
    private static final String FLEET = "--fleet";
    private static final String PROBE = "--probe";
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    public static CliArguments parse(String[] args, Map<String, String> environment) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        boolean help = false;
        boolean lambdaRuntime = false;
        boolean fleet = false;
        boolean probe = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            if (arg.equals(LAMBDA_RUNTIME)) {
                if (lambdaRuntime) {
                    throw new UsageException(LAMBDA_RUNTIME + " is given more than once");
                }
                lambdaRuntime = true;
                continue;
            }
            if (arg.startsWith(LAMBDA_RUNTIME + "=")) {
                throw new UsageException(LAMBDA_RUNTIME + " takes no value");
            }
            if (arg.equals(FLEET)) {
                if (fleet) {
                    throw new UsageException(FLEET + " is given more than once");
                }
                fleet = true;
                continue;
            }
            if (arg.startsWith(FLEET + "=")) {
                throw new UsageException(FLEET + " takes no value");
            }
            if (arg.equals(PROBE)) {
                if (probe) {
                    throw new UsageException(PROBE + " is given more than once");
                }
                probe = true;
                continue;
            }
            if (arg.startsWith(PROBE + "=")) {
                throw new UsageException(PROBE + " takes no value");
            }
            String flag = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                flag = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            if (!FLAGS.contains(flag)) {
                throw new UsageException(arg.startsWith("-") ? "unknown option " + flag
                        : "unexpected argument '" + arg + "' (every value follows its option)");
            }
            if (value == null) {
                if (i + 1 >= args.length || FLAGS.contains(args[i + 1]) || args[i + 1].equals(LAMBDA_RUNTIME)
                        || args[i + 1].equals(FLEET) || args[i + 1].equals(PROBE)) {
                    throw new UsageException(flag + " needs a value");
                }
                value = args[++i];
            }
            if (values.containsKey(flag)) {
                throw new UsageException(flag + " is given more than once");
            }
            values.put(flag, value);
        }
        if (values.containsKey("--input") && values.containsKey("--input-json")) {
            throw new UsageException("give either --input FILE or --input-json JSON, not both");
        }
        if (values.containsKey("--cfn-event") && (values.containsKey("--input") || values.containsKey("--input-json"))) {
            throw new UsageException("--cfn-event takes its input from the event; it cannot be combined with --input "
                    + "or --input-json");
        }
        if (fleet && values.containsKey("--cfn-event")) {
            throw new UsageException("--cfn-event runs the custom resource of the single-VPC state machine; it cannot "
                    + "be combined with --fleet");
        }
        if (probe && (fleet || values.containsKey("--cfn-event"))) {
            throw new UsageException("--probe runs the probe inside the VPC in an execution of the single-VPC state "
                    + "machine started with --input or --input-json; it cannot be combined with "
                    + (fleet ? "--fleet" : "--cfn-event"));
        }
        if (values.containsKey("--report") && !fleet) {
            throw new UsageException("--report FILE copies the fleet report: it needs --fleet");
        }
        String region = values.containsKey("--region") ? values.get("--region")
                : LocalAccount.defaultRegion(environment);
        if (!REGION.matcher(region).matches()) {
            throw new UsageException("'" + region + "' is not an AWS region name (e.g. us-east-1)");
        }
        // A well-formed name of no region is an input error, named here, not an emulator's HTTP 500 later; the
        // functions' own check (Regions), so ./run-local and a deployed fleet agree on what a region is.
        try {
            dev.vpcepilot.aws.Regions.require(region, "--region");
        } catch (dev.vpcepilot.errors.InvalidInput e) {
            throw new UsageException(e.getMessage());
        }
        return new CliArguments(endpoint(values.get("--endpoint-url")), region, path(values.get("--input")),
                values.get("--input-json"), path(values.get("--cfn-event")), lambdaRuntime, fleet,
                path(values.get("--report")), probe, help);
    }

    /** The execution input: the file's or the flag's JSON, or {@code {}} when neither is given. */
    public JsonNode readInput(InputStream stdin) throws UsageException, RefusedInput {
        if (inputJson != null) {
            return json(inputJson, "--input-json");
        }
        if (inputFile != null) {
            return json(readFile(inputFile, "--input", stdin), "--input " + inputFile);
        }
        return JsonNodeFactory.instance.objectNode();
    }

    /** The text of a file named on the command line ({@code -} is stdin). */
    public static String readFile(Path file, String flag, InputStream stdin) throws UsageException {
        try {
            if (file.toString().equals("-")) {
                return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException(flag + " " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UsageException(flag + " " + file + ": permission denied");
        } catch (IOException e) {
            throw new UsageException(flag + " " + file + ": cannot read the file ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /**
     * Parses the text a flag names. Text that is not JSON is a usage error; a JSON object that gives one key twice is
     * {@link RefusedInput} naming the key (Jackson's strict duplicate detection): the last value would otherwise win
     * silently, and which one the user meant is not ours to guess.
     */
    public static JsonNode json(String text, String source) throws UsageException, RefusedInput {
        JsonNode node;
        try {
            node = JsonText.parse(text);
        } catch (JsonProcessingException e) {
            throw new UsageException(source + ": not a JSON document (" + e.getOriginalMessage() + ")");
        }
        try {
            STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            // the text parsed without duplicate detection, so what is left is a key given twice
            Matcher key = DUPLICATE_FIELD.matcher(e.getOriginalMessage());
            throw new RefusedInput(source + ": " + (key.matches() ? "the key '" + key.group(1) + "'"
                    : e.getOriginalMessage()) + " is given twice in one JSON object (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + "). Allowed: each key once per object.");
        }
        return node;
    }

    private static URI endpoint(String value) throws UsageException {
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new UsageException("--endpoint-url must be an http:// or https:// URL with a host, not '"
                        + value + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UsageException("--endpoint-url '" + value + "' is not a URL: " + e.getReason());
        }
    }

    private static Path path(String value) throws UsageException {
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            throw new UsageException("a file name must not be empty");
        }
        return Path.of(value);
    }
}
