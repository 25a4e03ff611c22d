package dev.vpcepilot.hook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * Sends the answer to CloudFormation's presigned {@code ResponseURL} and tries once more when the first PUT
 * fails (an I/O error or a 5xx): a lost answer leaves a stack waiting for an hour.
 */
public final class RetryingHttpClient implements SdkHttpClient {

    private final SdkHttpClient delegate;

    public RetryingHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest original) {
        HttpExecuteRequest request = replayable(original);
        return new ExecutableHttpRequest() {
            private volatile ExecutableHttpRequest current;

            @Override
            public HttpExecuteResponse call() throws IOException {
                try {
                    current = delegate.prepareRequest(request);
                    HttpExecuteResponse response = current.call();
                    if (response.httpResponse().statusCode() < 500) {
                        return response;
                    }
                } catch (IOException e) {
                    // one more try below
                }
                current = delegate.prepareRequest(request);
                return current.call();
            }

            @Override
            public void abort() {
                ExecutableHttpRequest running = current;
                if (running != null) {
                    running.abort();
                }
            }
        };
    }

    /**
     * Powertools' content provider hands out the same stream on every {@code newStream()}, so a second attempt
     * would send an empty body: read it once and give each attempt a fresh stream over the same bytes.
     */
    private static HttpExecuteRequest replayable(HttpExecuteRequest request) {
        if (request.contentStreamProvider().isEmpty()) {
            return request;
        }
        byte[] body;
        try (InputStream in = request.contentStreamProvider().get().newStream()) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the CloudFormation response body", e);
        }
        return HttpExecuteRequest.builder()
                .request(request.httpRequest())
                .contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(body))
                .metricCollector(request.metricCollector().orElse(null))
                .build();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
