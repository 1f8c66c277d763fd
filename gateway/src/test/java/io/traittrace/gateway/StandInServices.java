package io.traittrace.gateway;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Recorded stand-ins for the three services behind the gateway (WireMock on free ports): tests stub what a service
 * answers and check what the gateway sent it. The whole suite against the real services is the local run's job.
 */
public class StandInServices implements QuarkusTestResourceLifecycleManager {

    private static WireMockServer lineage;
    private static WireMockServer runner;
    private static WireMockServer report;

    public static WireMockServer lineage() {
        return lineage;
    }

    public static WireMockServer runner() {
        return runner;
    }

    public static WireMockServer report() {
        return report;
    }

    /** Forgets stubs and recorded requests of all three. */
    public static void reset() {
        lineage.resetAll();
        runner.resetAll();
        report.resetAll();
    }

    @Override
    public Map<String, String> start() {
        lineage = started();
        runner = started();
        report = started();
        return Map.of(
                "gateway.lineage.url", lineage.baseUrl(),
                "gateway.runner.url", runner.baseUrl(),
                "gateway.report.url", report.baseUrl());
    }

    private static WireMockServer started() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort()
                .asynchronousResponseEnabled(true));
        server.start();
        return server;
    }

    @Override
    public void stop() {
        for (WireMockServer server : new WireMockServer[] { lineage, runner, report }) {
            if (server != null) {
                server.stop();
            }
        }
    }
}
