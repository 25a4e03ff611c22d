package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Distributed Map's {@code ItemReader} on {@code arn:aws:states:::s3:getObject}, as "ItemReader (Map)" (Step
 * Functions Developer Guide) documents it: {@code Parameters} name the object ({@code Bucket}, {@code Key}, with
 * {@code .$} paths on the Map's effective input), {@code ReaderConfig.InputType} says how to read it:
 * {@code JSON}, a file holding one array whose elements are the items, or {@code JSONL}, one item per line;
 * {@code MaxItems} / {@code MaxItemsPath} keep the first items only (0 means all, as on AWS). A failure to get or
 * parse the object is {@code States.ItemReaderFailed}. {@link AslSupport} refuses the other input types and
 * reader options before anything runs.
 */
final class MapItemReader {

    /** The largest MaxItems Step Functions accepts; a larger MaxItemsPath value reads everything. */
    static final long MAX_ITEMS = 100_000_000L;

    private MapItemReader() {
    }

    /**
     * The MaxItems of {@code reader} (0 for none), read before the Map Run starts: a MaxItemsPath value that is not
     * an integer is {@code States.Runtime}, as on AWS. A negative one fails the Map Run later, in {@link #read}.
     */
    static long maxItems(String stateName, JsonNode reader, JsonNode effectiveInput) {
        JsonNode config = reader.path("ReaderConfig");
        if (config.has("MaxItems")) {
            return config.get("MaxItems").asLong();
        }
        if (!config.has("MaxItemsPath")) {
            return 0;
        }
        String path = config.get("MaxItemsPath").asText();
        JsonNode value = JsonPaths.read(path, effectiveInput, null, "MaxItemsPath");
        if (!MapState.isInteger(value)) {
            throw StatesError.runtime("An error occurred while executing the state '" + stateName + "'. The "
                    + "MaxItemsPath field refers to value \"" + MapState.text(value) + "\" which is not a valid "
                    + "integer: " + path);
        }
        return value.asLong();
    }

    /** The items of the object the reader names, at most {@code maxItems} of them (0: all). */
    static MapState.Items read(JsonNode reader, long maxItems, JsonNode effectiveInput, JsonNode context,
                               ObjectStore objects) {
        if (maxItems < 0) {
            throw new StatesError(ErrorNames.ITEM_READER_FAILED, "field MaxItems must be positive");
        }
        JsonNode parameters = PayloadTemplate.evaluate(reader.get("Parameters"), effectiveInput, context);
        String bucket = text(parameters, "Bucket");
        String key = text(parameters, "Key");
        String object = "s3://" + bucket + "/" + key;
        String lowerKey = key.toLowerCase(Locale.ROOT);
        if (lowerKey.endsWith(".gz") || lowerKey.endsWith(".gzip") || lowerKey.endsWith(".zst")
                || lowerKey.endsWith(".zstd")) {
            throw StatesError.runtime("The ItemReader object " + object + " is compressed: Step Functions reads GZIP "
                    + "and ZSTD objects, the local runner does not");
        }
        byte[] bytes;
        try {
            bytes = objects.get(bucket, key);
        } catch (ObjectStore.ObjectStoreException e) {
            throw new StatesError(ErrorNames.ITEM_READER_FAILED, "Reading the items from " + object + " failed: "
                    + e.getMessage());
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<JsonNode> items = "JSONL".equals(reader.at("/ReaderConfig/InputType").asText())
                ? jsonLines(text, object) : jsonArray(text, object);
        if (maxItems > 0 && maxItems < items.size()) {
            items = new ArrayList<>(items.subList(0, (int) maxItems));
        }
        return new MapState.Items(items, "S3://" + bucket + "/" + key);
    }

    private static List<JsonNode> jsonArray(String text, String object) {
        JsonNode document;
        try {
            document = JsonText.parse(text);
        } catch (JsonProcessingException e) {
            throw new StatesError(ErrorNames.ITEM_READER_FAILED, "The ItemReader object " + object + " is not JSON: "
                    + e.getOriginalMessage());
        }
        if (document.isObject()) {
            throw StatesError.runtime("The ItemReader object " + object + " holds a JSON object: Step Functions "
                    + "iterates over its key-value pairs, the local runner reads JSON arrays only");
        }
        if (!document.isArray()) {
            throw new StatesError(ErrorNames.ITEM_READER_FAILED, "Attempting to map over non-iterable node.");
        }
        List<JsonNode> items = new ArrayList<>();
        document.forEach(items::add);
        return items;
    }

    private static List<JsonNode> jsonLines(String text, String object) {
        List<JsonNode> items = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                items.add(JsonText.parse(lines[i]));
            } catch (JsonProcessingException e) {
                throw new StatesError(ErrorNames.ITEM_READER_FAILED, "Line " + (i + 1) + " of the ItemReader object "
                        + object + " is not JSON: " + e.getOriginalMessage());
            }
        }
        return items;
    }

    private static String text(JsonNode parameters, String field) {
        JsonNode value = parameters.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw StatesError.runtime("The ItemReader's Parameters must give " + field + " as a non-empty string, not "
                    + (value == null ? "nothing" : JsonText.abbreviate(value)));
        }
        return value.asText();
    }
}
