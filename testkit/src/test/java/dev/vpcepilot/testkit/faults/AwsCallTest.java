package dev.vpcepilot.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How a request is recognised as an AWS action. */
class AwsCallTest {

    private static final String EC2_AUTH = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date, Signature=abc";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void ec2QueryProtocolFromAFormBody() {
        AwsCall call = AwsCall.classify("POST", "/", Map.of("content-type",
                "application/x-www-form-urlencoded; charset=utf-8", "Authorization", EC2_AUTH),
                bytes("Version=2016-11-15&Action=DescribeVpcs&Filter.1.Name=is-default"));
        assertEquals(new AwsCall("ec2:DescribeVpcs", "ec2", AwsCall.Protocol.EC2_QUERY), call);
        assertTrue(call.faultable());
        assertFalse(call.mutating());
    }

    @Test
    void ec2QueryProtocolFromTheQueryStringAndWithoutSignature() {
        AwsCall call = AwsCall.classify("GET", "/?Action=CreateVpcEndpoint&Version=2016-11-15", Map.of(), bytes(""));
        assertEquals(new AwsCall("ec2:CreateVpcEndpoint", "ec2", AwsCall.Protocol.EC2_QUERY), call);
        assertTrue(call.mutating());
    }

    @Test
    void queryProtocolOfAnotherServiceUsesTheCredentialScope() {
        AwsCall call = AwsCall.classify("POST", "/", Map.of("Content-Type", "application/x-www-form-urlencoded",
                "Authorization", EC2_AUTH.replace("/ec2/", "/sts/")), bytes("Action=GetCallerIdentity&Version=2011-06-15"));
        assertEquals(new AwsCall("sts:GetCallerIdentity", "sts", AwsCall.Protocol.QUERY), call);
    }

    @Test
    void jsonProtocolsFromXAmzTarget() {
        assertEquals(new AwsCall("dynamodb:ListTables", "dynamodb", AwsCall.Protocol.JSON_1_0),
                AwsCall.classify("POST", "/", Map.of("X-Amz-Target", "DynamoDB_20120810.ListTables",
                        "Content-Type", "application/x-amz-json-1.0"), bytes("{}")));
        assertEquals(new AwsCall("states:StartExecution", "states", AwsCall.Protocol.JSON_1_0),
                AwsCall.classify("POST", "/", Map.of("x-amz-target", "AWSStepFunctions.StartExecution",
                        "content-type", "application/x-amz-json-1.0"), bytes("{}")));
        assertEquals(new AwsCall("logs:PutLogEvents", "logs", AwsCall.Protocol.JSON_1_1),
                AwsCall.classify("POST", "/", Map.of("X-Amz-Target", "Logs_20140328.PutLogEvents",
                        "Content-Type", "application/x-amz-json-1.1"), bytes("{}")));
        assertEquals("secretsmanager:GetSecretValue", AwsCall.classify("POST", "/",
                Map.of("X-Amz-Target", "secretsmanager.GetSecretValue"), bytes("{}")).action());
    }

    @Test
    void restAndTheEmulatorApiAreOtherByMethodAndPath() {
        AwsCall s3 = AwsCall.classify("PUT", "/bucket/key.json?x-id=PutObject", Map.of("Authorization",
                EC2_AUTH.replace("/ec2/", "/s3/")), bytes("{\"Action\":\"x\"}"));
        assertEquals(new AwsCall("other:PUT /bucket/key.json", "s3", AwsCall.Protocol.OTHER), s3);
        assertTrue(s3.mutating());

        AwsCall motoApi = AwsCall.classify("POST", "/moto-api/reset", Map.of(), bytes("Action=DescribeVpcs"));
        assertEquals(new AwsCall("other:POST /moto-api/reset", "moto-api", AwsCall.Protocol.MOTO_API), motoApi);
        assertFalse(motoApi.faultable());
        assertFalse(motoApi.mutating());
        assertFalse(AwsCall.classify("GET", "/moto-api", Map.of(), bytes("")).faultable());
        assertTrue(AwsCall.classify("GET", "/moto-apiary", Map.of(), bytes("")).faultable());
    }

    @Test
    void serviceFromTheSigV4CredentialScope() {
        assertEquals(Optional.of("ec2"), AwsCall.serviceFromAuthorization(EC2_AUTH));
        assertEquals(Optional.of("dynamodb"), AwsCall.serviceFromAuthorization(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request,SignedHeaders=host,Signature=x"));
        assertEquals(Optional.of("s3"), AwsCall.serviceFromCredentialScope("AKID/20150830/eu-west-1/s3/aws4_request"));
        assertEquals(Optional.empty(), AwsCall.serviceFromAuthorization(null));
        assertEquals(Optional.empty(), AwsCall.serviceFromAuthorization("Bearer token"));
        assertEquals(Optional.empty(), AwsCall.serviceFromCredentialScope("AKID/20150830/us-east-1/ec2"));
    }

    @Test
    void presignedUrlsNameTheirServiceInTheQuery() {
        AwsCall call = AwsCall.classify("PUT", "/bucket/response?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=testing%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=0",
                Map.of(), bytes("{}"));
        assertEquals(new AwsCall("other:PUT /bucket/response", "s3", AwsCall.Protocol.OTHER), call);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ec2:CreateVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint",
            "dynamodb:PutItem", "dynamodb:UpdateItem", "states:StartExecution", "ec2:AssociateRouteTable",
            "ec2:DisassociateRouteTable", "ec2:ReplaceRoute", "ec2:AttachInternetGateway",
            "ec2:DetachInternetGateway", "ec2:CreateTags", "dynamodb:TagResource", "dynamodb:BatchWriteItem",
            "other:DELETE /bucket/key"})
    void mutatingActions(String action) {
        assertTrue(AwsCall.isMutating(action), action);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ec2:DescribeVpcs", "ec2:DescribeTags", "dynamodb:ListTables", "dynamodb:GetItem",
            "dynamodb:BatchGetItem", "states:DescribeExecution", "ec2:Addresses", "ec2:Tagging",
            "other:GET /bucket/key", "other:POST /moto-api/reset"})
    void readOnlyActions(String action) {
        assertFalse(AwsCall.isMutating(action), action);
    }
}
