package dev.vpcepilot.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The fleet's objects in its report bucket: the targets the Map reads, the results it writes, the report. */
public final class FleetObjects {

    private final S3Client s3;
    private final String bucket;

    public FleetObjects(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    public void putJson(String key, Object value) {
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        put(key, body, "application/json");
    }

    public void put(String key, byte[] body, String contentType) {
        AwsCalls.call("S3 PutObject " + key, () -> s3.putObject(r -> r.bucket(bucket).key(key)
                .contentType(contentType), RequestBody.fromBytes(body)));
    }

    public JsonNode getJson(String key) {
        byte[] body = AwsCalls.call("S3 GetObject " + key,
                () -> s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray());
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("s3://" + bucket + "/" + key + " is not JSON", e);
        }
    }
}
