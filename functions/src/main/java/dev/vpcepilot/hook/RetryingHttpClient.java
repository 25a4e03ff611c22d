package dev.vpcepilot.hook;

import java.io.IOException;
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
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
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

    @Override
    public void close() {
        delegate.close();
    }
}
