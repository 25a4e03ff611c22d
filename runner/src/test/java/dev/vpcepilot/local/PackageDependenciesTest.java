package dev.vpcepilot.local;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The runner's packages depend on each other in one direction only: every package under {@code dev.vpcepilot.local}
 * (the root and each sub-package, nested ones on their own) is a slice, and no chain of dependencies between slices
 * comes back to where it started. The ASL interpreter uses nothing of the project, so it stays generic.
 */
@AnalyzeClasses(packages = "dev.vpcepilot.local", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageDependenciesTest {

    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.vpcepilot.(**)").namingSlices("$1")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule THE_ASL_INTERPRETER_USES_NOTHING_OF_THE_PROJECT = noClasses()
            .that().resideInAPackage("dev.vpcepilot.local.asl..")
            .should().dependOnClassesThat(resideInAPackage("dev.vpcepilot..")
                    .and(not(resideInAPackage("dev.vpcepilot.local.asl.."))));
}
