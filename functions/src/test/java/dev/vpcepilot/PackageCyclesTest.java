package dev.vpcepilot;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The functions' packages depend on each other one way only: every package under {@code dev.vpcepilot} (nested ones
 * too) is a slice, and no two slices reach each other. Read from the compiled classes of src/main, tests left out.
 */
@AnalyzeClasses(packages = "dev.vpcepilot", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageCyclesTest {

    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.vpcepilot.(**)").should().beFreeOfCycles();
}
