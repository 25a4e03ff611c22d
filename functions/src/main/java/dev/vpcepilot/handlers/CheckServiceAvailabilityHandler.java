package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.aws.Regions;
import dev.vpcepilot.contract.EndpointOptions;
import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.contract.ValidatedRequest;
import dev.vpcepilot.service.ServiceAvailabilityChecker;

/**
 * Step 1: checks the region exists and validates the execution input (InvalidInput), then checks the service is
 * offered with the requested endpoint type, before anything else calls AWS.
 */
public final class CheckServiceAvailabilityHandler extends JsonStepHandler<JsonNode, ValidatedRequest> {

    private final InputValidator validator;
    private final ServiceAvailabilityChecker checker;
    private final String region;

    public CheckServiceAvailabilityHandler() {
        this(SharedClients.get());
    }

    public CheckServiceAvailabilityHandler(AwsClients clients, FunctionSettings settings) {
        this(clients);
    }

    public CheckServiceAvailabilityHandler(AwsClients clients) {
        this(clients.region(), new ServiceAvailabilityChecker(clients.ec2()));
    }

    CheckServiceAvailabilityHandler(String region, ServiceAvailabilityChecker checker) {
        super(JsonNode.class);
        this.region = region;
        this.validator = new InputValidator(region);
        this.checker = checker;
    }

    @Override
    protected ValidatedRequest handle(JsonNode input, Context context) {
        Regions.require(region, "The workflow's region");
        InputValidator.Input valid = validator.validate(input);
        EndpointOptions endpoint = valid.endpoint();
        ServiceAvailabilityChecker.Offer offer = checker.require(valid.serviceName(), endpoint.type());
        log(context).info("Service " + valid.serviceName() + " is offered as " + offer.type());
        return new ValidatedRequest(region, valid.serviceName(), offer.type(), valid.vpcId(), valid.routeTableIds(),
                valid.policyDocument(), valid.tags(), valid.cleanup(), valid.release(), valid.customResource(),
                valid.requireDataPath(), endpoint.subnetIds(), endpoint.securityGroupIds(), endpoint.allowedCidrs(),
                endpoint.isInterface() ? offer.availabilityZones() : null);
    }
}
