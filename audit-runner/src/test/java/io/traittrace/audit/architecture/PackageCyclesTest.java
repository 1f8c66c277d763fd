package io.traittrace.audit.architecture;

import org.junit.jupiter.api.Test;

import io.traittrace.testsupport.PackageCycles;

class PackageCyclesTest {

    @Test
    void dependenciesBetweenPackagesPointOneWay() {
        PackageCycles.assertNone("io.traittrace.audit");
    }
}
