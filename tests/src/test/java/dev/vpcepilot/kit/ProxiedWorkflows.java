package dev.vpcepilot.kit;

import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.testkit.faults.FaultProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's workflows behind one fault proxy in front of the {@link Moto#fresh() emptied} emulator, as a
 * {@code @RegisterExtension static} field: the proxy starts before the class's {@code @BeforeAll} (which builds the
 * {@link #workflow workflows}); before each test the emulator is emptied, the first workflow's tables provisioned
 * again, the proxy's rules and counts cleared and a {@link #aws() direct client} made (closed after the test); the
 * workflows and the proxy close after the class.
 */
public final class ProxiedWorkflows implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback {

    public static final String REGION = "us-east-1";

    private MotoServer moto;
    private FaultProxy proxy;
    private MotoEc2 aws;
    private final List<LocalWorkflow> workflows = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        moto = Moto.fresh();
        proxy = FaultProxy.start(moto.endpoint());
    }

    public FaultProxy proxy() {
        return proxy;
    }

    /** The project's workflow through the proxy, not sleeping, its handlers' log lines kept off the output. */
    public LocalWorkflow workflow() {
        return workflow(UnaryOperator.identity());
    }

    /** The same, with the builder changed further (a parameter, another state machine). */
    public LocalWorkflow workflow(UnaryOperator<LocalWorkflow.Builder> change) {
        LocalWorkflow workflow = change.apply(LocalWorkflow.builder(TestProject.root()).endpoint(proxy.endpoint())
                .region(REGION).timeScale(0).functionLog(line -> { })).build();
        workflows.add(workflow);
        return workflow;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        moto.reset();
        workflows.get(0).provision();
        proxy.clear();
        aws = new MotoEc2(moto.endpoint(), REGION);
    }

    /** The test's client of the emulator itself (never through the proxy). */
    public MotoEc2 aws() {
        return aws;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        aws.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        workflows.forEach(LocalWorkflow::close);
        workflows.clear();
        proxy.close();
    }
}
