package dev.vpcepilot.local.template;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Creates the template's S3 buckets in the emulator, as the deployment would, under their local names
 * ({@link LocalResources#bucketName}). A bucket that exists already (an earlier run) is kept.
 */
public final class LocalBuckets {

    private LocalBuckets() {
    }

    /** @return the local names of the buckets */
    public static List<String> create(SamTemplate template, S3Client s3, String region) {
        List<String> names = new ArrayList<>();
        for (String logicalId : template.resourcesOfType(LocalResources.S3_BUCKET)) {
            String name = LocalResources.bucketName(template, logicalId, region);
            DeploymentRetry.call(() -> {
                try {
                    s3.createBucket(r -> {
                        r.bucket(name);
                        if (!"us-east-1".equals(region)) {
                            r.createBucketConfiguration(c -> c.locationConstraint(region));
                        }
                    });
                } catch (AwsServiceException e) {
                    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
                    if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                        throw e;
                    }
                }
            });
            names.add(name);
        }
        return names;
    }
}
