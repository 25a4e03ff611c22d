package software.amazon.awssdk.services.s3.internal.s3express;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SelectedAuthScheme;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkInternalExecutionAttribute;
import software.amazon.awssdk.core.useragent.BusinessMetricCollection;
import software.amazon.awssdk.core.useragent.BusinessMetricFeatureId;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

class S3ExpressUtilsTest {

    private static List<String> metricsAfter(String schemeId) {
        BusinessMetricCollection metrics = new BusinessMetricCollection();
        ExecutionAttributes attributes = new ExecutionAttributes();
        attributes.putAttribute(SdkInternalExecutionAttribute.BUSINESS_METRICS, metrics);
        attributes.putAttribute(SdkInternalExecutionAttribute.SELECTED_AUTH_SCHEME, new SelectedAuthScheme<>(
                CompletableFuture.completedFuture(AwsCredentialsIdentity.create("AKID", "secret")),
                AwsV4HttpSigner.create(), AuthSchemeOption.builder().schemeId(schemeId).build()));
        S3ExpressUtils.addS3ExpressBusinessMetricIfApplicable(attributes);
        return metrics.recordedMetrics();
    }

    @Test
    void aRequestSignedForS3ExpressCountsTheS3ExpressMetric() {
        assertEquals(List.of(BusinessMetricFeatureId.S3_EXPRESS_BUCKET.value()),
                metricsAfter("aws.auth#sigv4-s3express"));
    }

    @Test
    void aRequestSignedWithSigV4CountsNothing() {
        assertEquals(List.of(), metricsAfter(AwsV4AuthScheme.SCHEME_ID));
    }

    @Test
    void aRequestWithoutSelectedAuthSchemeCountsNothing() {
        BusinessMetricCollection metrics = new BusinessMetricCollection();
        ExecutionAttributes attributes = new ExecutionAttributes();
        attributes.putAttribute(SdkInternalExecutionAttribute.BUSINESS_METRICS, metrics);
        S3ExpressUtils.addS3ExpressBusinessMetricIfApplicable(attributes);
        assertEquals(List.of(), metrics.recordedMetrics());
    }
}
