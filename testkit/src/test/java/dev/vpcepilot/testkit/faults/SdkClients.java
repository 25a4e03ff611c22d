package dev.vpcepilot.testkit.faults;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/** Real SDK v2 clients for the fault-proxy tests: static "testing" credentials, us-east-1, URLConnection. */
final class SdkClients implements AutoCloseable {

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

    private final SdkHttpClient http = UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(3))
            .socketTimeout(Duration.ofSeconds(10))
            .build();

    /** No retries: every fault reaches the caller as it is. */
    static RetryStrategy noRetries() {
        return AwsRetryStrategy.doNotRetry();
    }

    /** The SDK's standard retry strategy (3 attempts, backoff with jitter), as the functions use it. */
    static RetryStrategy standardRetries() {
        return AwsRetryStrategy.standardRetryStrategy();
    }

    Ec2Client ec2(URI endpoint, RetryStrategy retries) {
        return Ec2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .httpClient(http).overrideConfiguration(o -> o.retryStrategy(retries)).build();
    }

    DynamoDbClient dynamoDb(URI endpoint, RetryStrategy retries) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(http)
                .overrideConfiguration(o -> o.retryStrategy(retries)).build();
    }

    SfnClient sfn(URI endpoint, RetryStrategy retries) {
        return SfnClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .httpClient(http).overrideConfiguration(o -> o.retryStrategy(retries)).build();
    }

    @Override
    public void close() {
        http.close();
    }
}
