package software.amazon.awssdk.services.s3.internal.s3express;

import software.amazon.awssdk.core.SelectedAuthScheme;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkInternalExecutionAttribute;
import software.amazon.awssdk.core.useragent.BusinessMetricCollection;
import software.amazon.awssdk.core.useragent.BusinessMetricFeatureId;

/**
 * The one class of the published S3 artifact ({@code software.amazon.awssdk:s3}) that the SDK's code generator links
 * every S3 client to, whatever its model: the generated endpoint interceptor ({@code S3ResolveEndpointInterceptor})
 * calls {@link #addS3ExpressBusinessMetricIfApplicable} once a request's endpoint is resolved. functions/ generates its
 * S3 client from a model trimmed to the operations it calls (scripts/trim-sdk-models.py) instead of shipping that
 * 4 MB artifact, so the class it links to is here, under the name the generator writes, with the artifact's
 * contract: a request signed for S3 Express One Zone (auth scheme {@value #S3_EXPRESS_SCHEME_ID}) counts the
 * {@code S3_EXPRESS_BUCKET} business metric of its User-Agent, any other request nothing. (The trimmed endpoint rules
 * refuse directory buckets, so this client never selects that scheme.) On the runner's class path the published
 * artifact comes first, and its own class is the one loaded.
 */
public final class S3ExpressUtils {

    /** The auth scheme id of S3 Express One Zone's session signing. */
    static final String S3_EXPRESS_SCHEME_ID = "aws.auth#sigv4-s3express";

    private S3ExpressUtils() {
    }

    /** Adds the S3 Express business metric when the request's selected auth scheme is S3 Express's. */
    public static void addS3ExpressBusinessMetricIfApplicable(ExecutionAttributes executionAttributes) {
        SelectedAuthScheme<?> selected =
                executionAttributes.getAttribute(SdkInternalExecutionAttribute.SELECTED_AUTH_SCHEME);
        BusinessMetricCollection metrics =
                executionAttributes.getAttribute(SdkInternalExecutionAttribute.BUSINESS_METRICS);
        if (selected != null && metrics != null
                && S3_EXPRESS_SCHEME_ID.equals(selected.authSchemeOption().schemeId())) {
            metrics.addMetric(BusinessMetricFeatureId.S3_EXPRESS_BUCKET.value());
        }
    }
}
