package dev.vpcepilot.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Builds the AWS SDK clients once per container, with everything explicit so that nothing is discovered at
 * cold start: the region, the credentials provider, the lightweight URLConnection HTTP client, bounded
 * timeouts and the SDK's STANDARD retry mode (3 attempts with backoff and jitter inside each call; the state
 * machine's Retry absorbs longer storms). One call, retries included, ends within 45 s: inside the functions'
 * 60 s Lambda timeout, so a slow AWS surfaces as a typed, retryable error rather than a killed sandbox.
 *
 * <p>In Lambda use {@link #fromEnvironment()}. The local runner and the tests use {@link #forEndpoint} to point
 * every client at an emulator on loopback.
 */
public final class AwsClients implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(45);

    private final Region region;
    private final URI endpointOverride;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient httpClient;
    /** False for the clients of a fleet target: they share the home clients' HTTP client, which outlives them. */
    private final boolean ownsHttpClient;
    private Ec2Client ec2;
    private DynamoDbClient dynamoDb;
    private SfnClient sfn;
    private StsClient sts;
    private OrganizationsClient organizations;
    private S3Client s3;

    private AwsClients(Region region, URI endpointOverride, AwsCredentialsProvider credentials) {
        this(region, endpointOverride, credentials, UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT)
                .build(), true);
    }

    private AwsClients(Region region, URI endpointOverride, AwsCredentialsProvider credentials,
                       SdkHttpClient httpClient, boolean ownsHttpClient) {
        this.region = Objects.requireNonNull(region, "region");
        this.endpointOverride = endpointOverride;
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.httpClient = httpClient;
        this.ownsHttpClient = ownsHttpClient;
    }

    /**
     * Clients for another region and credentials (a fleet target: this account in another region, or another
     * account's role), on the same HTTP client and endpoint override; closing them leaves this one open.
     */
    public AwsClients forTarget(String targetRegion, AwsCredentialsProvider targetCredentials) {
        return new AwsClients(Region.of(targetRegion), endpointOverride, targetCredentials, httpClient, false);
    }

    /** The credentials these clients sign with (the function role's, in Lambda). */
    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    /**
     * Lambda: region from {@code AWS_REGION}, the function role's credentials from the environment. Endpoints are
     * the SDK's to resolve: the service's own ({@code https://ec2.<region>.amazonaws.com}...) unless the environment
     * configures one, as every AWS SDK reads it ("Service-specific endpoints", AWS SDKs and Tools Reference Guide):
     * {@code AWS_ENDPOINT_URL_<SERVICE>} ({@code AWS_ENDPOINT_URL_EC2}, {@code _DYNAMODB}, {@code _SFN}) before the
     * global {@code AWS_ENDPOINT_URL}; the local runner's real-runtime mode uses both (the emulator for EC2 and
     * DynamoDB, a local Step Functions API for the hook).
     */
    public static AwsClients fromEnvironment() {
        String region = System.getenv("AWS_REGION");
        if (region == null || region.isBlank()) {
            region = System.getenv("AWS_DEFAULT_REGION");
        }
        if (region == null || region.isBlank()) {
            throw new IllegalStateException("AWS_REGION is not set");
        }
        return new AwsClients(Region.of(region), null, lambdaCredentials());
    }

    /**
     * The function role's credentials, named explicitly instead of searched for: with SnapStart the Java runtime
     * serves them from the container credentials endpoint (and the key environment variables are absent);
     * without it, from the environment.
     */
    static AwsCredentialsProvider lambdaCredentials() {
        String containerUri = System.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        if (containerUri != null && !containerUri.isBlank()) {
            return ContainerCredentialsProvider.create();
        }
        return EnvironmentVariableCredentialsProvider.create();
    }

    /** An emulator (or any other endpoint) with fixed dummy credentials. */
    public static AwsClients forEndpoint(String region, URI endpoint) {
        return new AwsClients(Region.of(region), Objects.requireNonNull(endpoint, "endpoint"),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
    }

    public String region() {
        return region.id();
    }

    public synchronized Ec2Client ec2() {
        if (ec2 == null) {
            ec2 = configure(Ec2Client.builder()).build();
        }
        return ec2;
    }

    public synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = configure(DynamoDbClient.builder()).build();
        }
        return dynamoDb;
    }

    /**
     * A DynamoDB client that sends its requests to {@code endpoint} (an interface endpoint's URL) instead of the
     * region's endpoint; the caller closes it.
     */
    public DynamoDbClient dynamoDbThrough(URI endpoint) {
        return configure(DynamoDbClient.builder()).endpointOverride(endpoint).build();
    }

    public synchronized SfnClient sfn() {
        if (sfn == null) {
            sfn = configure(SfnClient.builder()).build();
        }
        return sfn;
    }

    public synchronized StsClient sts() {
        if (sts == null) {
            sts = configure(StsClient.builder()).build();
        }
        return sts;
    }

    public synchronized OrganizationsClient organizations() {
        if (organizations == null) {
            organizations = configure(OrganizationsClient.builder()).build();
        }
        return organizations;
    }

    /** S3; path-style addressing when an endpoint is given (an emulator on loopback has no bucket subdomains). */
    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = configure(S3Client.builder()).forcePathStyle(endpointOverride != null).build();
        }
        return s3;
    }

    private <B extends AwsClientBuilder<B, ?> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>>
            B configure(B builder) {
        builder.region(region)
                .credentialsProvider(credentials)
                .httpClient(httpClient)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                        .apiCallTimeout(CALL_TIMEOUT)
                        .build());
        if (endpointOverride != null) {
            builder.endpointOverride(endpointOverride);
        }
        return builder;
    }

    @Override
    public synchronized void close() {
        if (ec2 != null) {
            ec2.close();
        }
        if (dynamoDb != null) {
            dynamoDb.close();
        }
        if (sfn != null) {
            sfn.close();
        }
        if (sts != null) {
            sts.close();
        }
        if (organizations != null) {
            organizations.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (ownsHttpClient) {
            httpClient.close();
        }
    }
}
