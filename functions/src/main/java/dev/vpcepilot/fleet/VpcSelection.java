package dev.vpcepilot.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.errors.InvalidInput;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which VPCs of each target the fleet serves: {@code "all"} (the default), {@code "default"} (the region's default
 * VPC), {@code {"ids": [...]}} or {@code {"tags": {"key": "value"}}} (every tag must match). Whatever the selection,
 * a VPC tagged {@value #EXCLUDE_KEY}{@code =true} is reported as skipped and left alone.
 */
public sealed interface VpcSelection {

    String EXCLUDE_KEY = "vpce-pilot:exclude";
    int MAX_IDS = 1000;
    int MAX_TAGS = 10;

    record All() implements VpcSelection {
    }

    record DefaultVpc() implements VpcSelection {
    }

    /** @param ids sorted, distinct */
    record Ids(List<String> ids) implements VpcSelection {
    }

    record Tags(Map<String, String> tags) implements VpcSelection {
    }

    /** The selection as the input spells it (what the state machine passes on to each target). */
    default JsonNode toJson() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return switch (this) {
            case All a -> json.textNode("all");
            case DefaultVpc d -> json.textNode("default");
            case Ids i -> {
                ObjectNode node = json.objectNode();
                i.ids().forEach(node.putArray("ids")::add);
                yield node;
            }
            case Tags t -> {
                ObjectNode node = json.objectNode();
                ObjectNode tags = node.putObject("tags");
                t.tags().forEach(tags::put);
                yield node;
            }
        };
    }

    /** @throws InvalidInput naming what is allowed */
    static VpcSelection parse(JsonNode node) {
        String allowed = "Allowed: \"all\" (the default), \"default\", {\"ids\": [\"vpc-...\"]} or {\"tags\": "
                + "{\"key\": \"value\"}}.";
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new All();
        }
        if (node.isTextual()) {
            return switch (node.asText()) {
                case "all" -> new All();
                case "default" -> new DefaultVpc();
                default -> throw new InvalidInput("vpcs is " + InputValidator.quote(node.asText()) + ". " + allowed);
            };
        }
        if (!node.isObject() || node.size() != 1 || !(node.has("ids") || node.has("tags"))) {
            throw new InvalidInput("vpcs is " + InputValidator.describeType(node)
                    + (node.isObject() ? " with the keys " + fieldNames(node) : "") + ". " + allowed);
        }
        if (node.has("ids")) {
            JsonNode ids = node.get("ids");
            if (!ids.isArray() || ids.isEmpty() || ids.size() > MAX_IDS) {
                throw new InvalidInput("vpcs.ids must be an array of 1 to " + MAX_IDS + " VPC ids, but it is "
                        + InputValidator.describeType(ids) + (ids.isArray() ? " of " + ids.size() : "") + ". "
                        + allowed);
            }
            TreeSet<String> distinct = new TreeSet<>();
            for (JsonNode id : ids) {
                if (!id.isTextual() || !InputValidator.VPC_ID.matcher(id.asText()).matches()) {
                    throw new InvalidInput("vpcs.ids holds " + (id.isTextual() ? InputValidator.quote(id.asText())
                            : InputValidator.describeType(id)) + ", which is not a VPC id. Allowed: ids such as "
                            + "vpc-0123456789abcdef0.");
                }
                if (!distinct.add(id.asText())) {
                    throw new InvalidInput("vpcs.ids lists " + id.asText() + " more than once. Allowed: each VPC id "
                            + "once.");
                }
            }
            return new Ids(List.copyOf(distinct));
        }
        JsonNode tags = node.get("tags");
        if (!tags.isObject() || tags.isEmpty() || tags.size() > MAX_TAGS) {
            throw new InvalidInput("vpcs.tags must be an object of 1 to " + MAX_TAGS + " tag keys to values, but it "
                    + "is " + InputValidator.describeType(tags) + (tags.isObject() ? " of " + tags.size() : "")
                    + ". " + allowed);
        }
        Map<String, String> selected = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (key.isEmpty() || key.length() > 128 || !InputValidator.TAG_CHARS.matcher(key).matches()) {
                throw new InvalidInput("vpcs.tags has the key " + InputValidator.quote(key) + ". Allowed: tag keys "
                        + "of 1 to 128 letters, digits, spaces and _ . : / = + - @.");
            }
            if (!value.isTextual() || value.asText().length() > 256
                    || !InputValidator.TAG_CHARS.matcher(value.asText()).matches()) {
                throw new InvalidInput("vpcs.tags gives " + InputValidator.quote(key) + " the value "
                        + InputValidator.describeType(value) + (value.isTextual() ? " " + InputValidator.quote(
                        value.asText()) : "") + ". Allowed: a string of 0 to 256 letters, digits, spaces and "
                        + "_ . : / = + - @.");
            }
            selected.put(key, value.asText());
        }
        return new Tags(Map.copyOf(selected));
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names.toString();
    }
}
