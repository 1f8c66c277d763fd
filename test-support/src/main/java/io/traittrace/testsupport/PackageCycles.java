package io.traittrace.testsupport;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * Keeps a module's package graph acyclic: each package directly under the module's root (with everything below it) is a
 * slice, and no slice may depend, directly or through others, on one that depends on it. Dependencies then point one
 * way, and a package can be read, changed and tested knowing only what it uses.
 */
public final class PackageCycles {

    private PackageCycles() {
    }

    /** Fails, naming each cycle and the dependencies that make it, when the main classes under {@code rootPackage} have one. */
    public static void assertNone(String rootPackage) {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(rootPackage);
        slices().matching(rootPackage + ".(*)..").should().beFreeOfCycles().check(classes);
    }
}
