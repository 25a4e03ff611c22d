package dev.vpcepilot.sharing;

import dev.vpcepilot.testkit.faults.FaultProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test's lanes to the shared emulator, as a {@code @RegisterExtension} field: each {@link #open() lane} is a fault
 * proxy of its own in front of {@link SharingWorld#moto()}, so that one {@code ./run-local} process can be held,
 * counted or faulted without touching the others; every lane closes after the test.
 */
final class ProxyLanes implements AfterEachCallback {

    private final List<FaultProxy> lanes = new ArrayList<>();

    /** A new lane, open until the test ends. */
    FaultProxy open() {
        try {
            FaultProxy lane = FaultProxy.start(SharingWorld.moto());
            lanes.add(lane);
            return lane;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        lanes.forEach(FaultProxy::close);
        lanes.clear();
    }
}
