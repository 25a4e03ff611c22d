package dev.vpcepilot.testkit.faults;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;

/**
 * A response transformer of the proxy's own stubs: applied only to the stubs that name it
 * ({@code withTransformers(name)}), never to every response.
 */
abstract class StubAnswer implements ResponseTransformerV2 {

    private final String name;

    StubAnswer(String name) {
        this.name = name;
    }

    @Override
    public final String getName() {
        return name;
    }

    @Override
    public final boolean applyGlobally() {
        return false;
    }
}
