package dev.vpcepilot.local.s3;

import dev.vpcepilot.local.asl.ObjectStore;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The Distributed Maps' S3 objects on the emulator: GetObject and PutObject with the SDK's S3 client, path-style
 * (moto serves buckets as paths on its one endpoint), the URLConnection HTTP client, and the dummy credentials of
 * the emulator. S3's refusals (no such bucket or key, access denied) become {@link ObjectStoreException}s that
 * carry S3's error code and message.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {

    private final S3Client s3;

    public S3ObjectStore(URI endpoint, String region) {
        this.s3 = S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Override
    public byte[] get(String bucket, String key) throws ObjectStoreException {
        try {
            return s3.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArray();
        } catch (SdkException e) {
            throw failure("GetObject", bucket, key, e);
        }
    }

    @Override
    public void put(String bucket, String key, byte[] body) throws ObjectStoreException {
        try {
            s3.putObject(request -> request.bucket(bucket).key(key).contentType("application/json"),
                    RequestBody.fromBytes(body));
        } catch (SdkException e) {
            throw failure("PutObject", bucket, key, e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    private static ObjectStoreException failure(String action, String bucket, String key, SdkException e) {
        if (e instanceof S3Exception s3Error && s3Error.awsErrorDetails() != null) {
            return new ObjectStoreException(action + " answered " + s3Error.awsErrorDetails().errorCode() + ": "
                    + s3Error.awsErrorDetails().errorMessage(), e);
        }
        return new ObjectStoreException(action + " of s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
    }
}
