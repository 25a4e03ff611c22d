package dev.vpcepilot.kit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.vpcepilot.kit.level.Integration;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.kit.level.Runtime;
import dev.vpcepilot.kit.level.Soak;
import dev.vpcepilot.kit.level.Static;
import dev.vpcepilot.kit.level.Workflow;
import java.lang.annotation.Annotation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Every test class of tests/ (a class with {@code @Test} or {@code @ParameterizedTest} methods) carries exactly one
 * level annotation of {@code kit.level}, so that {@code -Dgroups=<level>} selects each test once and none is left out
 * of every level.
 */
@Static
class LevelTagsTest {

    private static final List<Class<? extends Annotation>> LEVELS = List.of(Static.class, Integration.class,
            Workflow.class, Reliability.class, Runtime.class, Soak.class);

    private static final DescribedPredicate<JavaClass> DECLARE_TESTS = DescribedPredicate.describe(
            "declare @Test or @ParameterizedTest methods", javaClass -> javaClass.getMethods().stream()
                    .anyMatch(m -> m.isAnnotatedWith(Test.class) || m.isAnnotatedWith(ParameterizedTest.class)));

    private static final ArchCondition<JavaClass> ONE_LEVEL = new ArchCondition<>("carry exactly one level of "
            + LEVELS.stream().map(Class::getSimpleName).toList()) {
        @Override
        public void check(JavaClass javaClass, ConditionEvents events) {
            List<String> levels = LEVELS.stream().filter(javaClass::isAnnotatedWith).map(Class::getSimpleName)
                    .toList();
            events.add(new SimpleConditionEvent(javaClass, levels.size() == 1, javaClass.getName() + " carries "
                    + (levels.isEmpty() ? "no level" : "the levels " + levels)));
        }
    };

    @Test
    void everyTestClassCarriesExactlyOneLevel() {
        JavaClasses tests = new ClassFileImporter().withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("dev.vpcepilot");
        // no test class found fails too (ArchUnit refuses an empty "should")
        classes().that(DECLARE_TESTS).should(ONE_LEVEL).check(tests);
    }
}
