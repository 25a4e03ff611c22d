package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Distributed Map's {@code ResultWriter} on {@code arn:aws:states:::s3:putObject}, as "ResultWriter (Map)" (Step
 * Functions Developer Guide, "Exporting to Amazon S3") documents it: under {@code <Prefix>/<Map Run id>/} it writes
 * {@code SUCCEEDED_0.json} (the succeeded children), {@code FAILED_0.json} (failed, timed out and aborted ones) and
 * {@code PENDING_0.json} (items never started because the Map Run failed), each a JSON array of the children's
 * records, only for the statuses that have some; then {@code manifest.json} with {@code DestinationBucket},
 * {@code MapRunArn} and {@code ResultFiles} ({@code FAILED}, {@code PENDING}, {@code SUCCEEDED}: lists of
 * {@code Key} and {@code Size}). The Map's result is then {@code {"MapRunArn", "ResultWriterDetails": {"Bucket",
 * "Key"}}} with the manifest's key. AWS starts a {@code _1} file past 5 GB; no local run comes near that, so each
 * status has at most its {@code _0} file. A write that fails is {@code States.ResultWriterFailed}.
 */
final class MapResultWriter {

    private static final List<String> STATUSES = List.of("FAILED", "PENDING", "SUCCEEDED");

    private MapResultWriter() {
    }

    /**
     * Writes the records and the manifest.
     *
     * @param records the records of each status ({@code SUCCEEDED}, {@code FAILED}, {@code PENDING}), in item order
     * @return the Map's result
     */
    static JsonNode write(JsonNode writer, JsonNode effectiveInput, JsonNode context, String mapRunArn,
                          Map<String, List<JsonNode>> records, ObjectStore objects) {
        JsonNode parameters = PayloadTemplate.evaluate(writer.get("Parameters"), effectiveInput, context);
        JsonNode bucketNode = parameters.get("Bucket");
        if (bucketNode == null || !bucketNode.isTextual() || bucketNode.asText().isEmpty()) {
            throw StatesError.runtime("The ResultWriter's Parameters must give Bucket as a non-empty string, not "
                    + (bucketNode == null ? "nothing" : JsonText.abbreviate(bucketNode)));
        }
        JsonNode prefixNode = parameters.path("Prefix");
        if (!prefixNode.isMissingNode() && !prefixNode.isTextual()) {
            throw StatesError.runtime("The ResultWriter's Parameters must give Prefix as a string, not "
                    + JsonText.abbreviate(prefixNode));
        }
        String bucket = bucketNode.asText();
        String prefix = prefixNode.asText("");
        String directory = (prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/")
                + mapRunArn.substring(mapRunArn.lastIndexOf(':') + 1) + "/";
        Map<String, ArrayNode> files = new LinkedHashMap<>();
        for (String status : STATUSES) {
            ArrayNode list = JsonNodeFactory.instance.arrayNode();
            List<JsonNode> ofStatus = records.getOrDefault(status, List.of());
            if (!ofStatus.isEmpty()) {
                ArrayNode body = JsonNodeFactory.instance.arrayNode();
                ofStatus.forEach(body::add);
                String key = directory + status + "_0.json";
                byte[] bytes = JsonText.compact(body).getBytes(StandardCharsets.UTF_8);
                put(objects, bucket, key, bytes);
                list.addObject().put("Key", key).put("Size", bytes.length);
            }
            files.put(status, list);
        }
        ObjectNode manifest = JsonNodeFactory.instance.objectNode();
        manifest.put("DestinationBucket", bucket);
        manifest.put("MapRunArn", mapRunArn);
        ObjectNode resultFiles = manifest.putObject("ResultFiles");
        files.forEach(resultFiles::set);
        String manifestKey = directory + "manifest.json";
        put(objects, bucket, manifestKey, JsonText.compact(manifest).getBytes(StandardCharsets.UTF_8));
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("MapRunArn", mapRunArn);
        result.putObject("ResultWriterDetails").put("Bucket", bucket).put("Key", manifestKey);
        return result;
    }

    private static void put(ObjectStore objects, String bucket, String key, byte[] body) {
        try {
            objects.put(bucket, key, body);
        } catch (ObjectStore.ObjectStoreException e) {
            throw new StatesError(ErrorNames.RESULT_WRITER_FAILED, "Writing the Map Run results to s3://" + bucket
                    + "/" + key + " failed: " + e.getMessage());
        }
    }
}
