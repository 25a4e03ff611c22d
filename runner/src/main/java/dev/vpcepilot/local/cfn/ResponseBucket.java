package dev.vpcepilot.local.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.json.Json;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A stand-in for CloudFormation's {@code ResponseURL}: a bucket on the emulator, a presigned PUT URL for one
 * answer (exactly the kind of URL CloudFormation hands out), and the answer read back afterwards.
 */
public final class ResponseBucket implements AutoCloseable {

    public static final String BUCKET = "vpce-pilot-cfn-responses";

    private final S3Client s3;
    private final S3Presigner presigner;

    public ResponseBucket(URI endpoint, String region) {
        StaticCredentialsProvider credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        S3Configuration pathStyle = S3Configuration.builder().pathStyleAccessEnabled(true).build();
        this.s3 = S3Client.builder().endpointOverride(endpoint).region(Region.of(region))
                .credentialsProvider(credentials).serviceConfiguration(pathStyle)
                .httpClient(UrlConnectionHttpClient.create()).build();
        this.presigner = S3Presigner.builder().endpointOverride(endpoint).region(Region.of(region))
                .credentialsProvider(credentials).serviceConfiguration(pathStyle).build();
        ensureBucket();
    }

    /** Creates the bucket unless it exists (again, after an emulator reset). */
    public void ensureBucket() {
        try {
            s3.createBucket(b -> b.bucket(BUCKET));
        } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException e) {
            // created by an earlier run against the same emulator
        }
    }

    /** A presigned PUT URL for the answer stored under {@code key}. */
    public String presignedPutUrl(String key) {
        return presigner.presignPutObject(p -> p.signatureDuration(Duration.ofHours(1))
                .putObjectRequest(o -> o.bucket(BUCKET).key(key))).url().toString();
    }

    /** The answer PUT under {@code key}, if one arrived. */
    public Optional<JsonNode> read(String key) {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key));
            return Optional.of(Json.MAPPER.readTree(bytes.asByteArray()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("The answer stored under " + key + " is not JSON", e);
        }
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }
}
