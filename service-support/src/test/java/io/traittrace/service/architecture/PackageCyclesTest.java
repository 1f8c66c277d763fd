package io.traittrace.service.architecture;

import org.junit.jupiter.api.Test;

import io.traittrace.testsupport.PackageCycles;

class PackageCyclesTest {

    @Test
    void dependenciesBetweenPackagesPointOneWay() {
        PackageCycles.assertNone("io.traittrace.service");
    }
}
