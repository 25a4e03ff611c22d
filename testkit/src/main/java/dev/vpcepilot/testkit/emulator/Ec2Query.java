package dev.vpcepilot.testkit.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One EC2 Query action sent to moto_server as a plain form POST, for the setup operations the trimmed SDK clients
 * do not have (CreateVpc, CreateSubnet, ...): moto_server reads the account from the access key and the region from
 * the credential scope of the {@code Authorization} header, and checks no signature.
 */
public final class Ec2Query {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    private final URI endpoint;
    private final String accessKeyId;
    private final String region;

    public Ec2Query(URI endpoint, String accessKeyId, String region) {
        this.endpoint = endpoint;
        this.accessKeyId = accessKeyId;
        this.region = region;
    }

    /** Sends the action; returns the XML answer, or throws on an error answer. */
    public String send(String action, Map<String, String> parameters) {
        StringBuilder form = new StringBuilder("Action=").append(action).append("&Version=2016-11-15");
        parameters.forEach((k, v) -> form.append('&').append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKeyId + "/20240101/" + region
                        + "/ec2/aws4_request, SignedHeaders=host, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("EC2 " + action + " " + parameters + " answered HTTP "
                        + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("EC2 " + action + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The first group of the first match of {@code pattern} in an answer. */
    public static String first(Pattern pattern, String xml) {
        Matcher matcher = pattern.matcher(xml);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + pattern + " in " + xml);
        }
        return matcher.group(1);
    }
}
